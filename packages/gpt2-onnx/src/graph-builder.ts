import { DataType, type OnnxTypes } from './onnx-proto.js';

type NodeProto = OnnxTypes.INodeProto;
type TensorProto = OnnxTypes.ITensorProto;
type AttributeProto = OnnxTypes.IAttributeProto;

/** ONNX attribute type tags (`AttributeProto.AttributeType`). */
const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

/** An integer attribute. */
export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

/** A float attribute. */
export function floatAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

/** An integer-list attribute. */
export function intsAttr(name: string, values: readonly number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: [...values] };
}

/**
 * Builds the node list of an ONNX graph. Each node gets a readable name from the current scope
 * (`/h.0/attn/MatMul_1`), and its outputs are named after it unless given. Small constants become
 * initializers with their data inline.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly constants: TensorProto[] = [];
  private readonly used = new Map<string, number>();
  private readonly constantNames = new Map<string, string>();
  private scopeName = '';

  /** Runs `body` with node names prefixed by `scope`. */
  scoped<T>(scope: string, body: () => T): T {
    const outer = this.scopeName;
    this.scopeName = `${outer}/${scope}`;
    try {
      return body();
    } finally {
      this.scopeName = outer;
    }
  }

  /** Adds a node with one output and returns the output's name (or `output` when given). */
  op(opType: string, inputs: readonly string[], attributes: AttributeProto[] = [], output?: string): string {
    return this.opN(opType, inputs, 1, attributes, output ? [output] : undefined)[0]!;
  }

  /** Adds a node with `outputCount` outputs and returns their names. */
  opN(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: AttributeProto[] = [],
    outputs?: string[],
  ): string[] {
    const base = `${this.scopeName}/${opType}`;
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    const name = n === 0 ? base : `${base}_${n}`;
    const names = outputs ?? Array.from({ length: outputCount }, (_, i) => `${name}_output_${i}`);
    this.nodes.push({ name, opType, input: [...inputs], output: names, attribute: attributes });
    return names;
  }

  /** A float32 constant (scalar, or 1-D when `values` has several entries). */
  floatConstant(values: number | readonly number[], scalar = typeof values === 'number'): string {
    const list = typeof values === 'number' ? [values] : values;
    const bytes = Buffer.alloc(4 * list.length);
    for (const [i, v] of list.entries()) bytes.writeFloatLE(v, 4 * i);
    return this.constant('float', DataType.FLOAT, scalar ? [] : [list.length], bytes, list);
  }

  /** An int64 constant (scalar, or 1-D). */
  int64Constant(values: number | readonly number[], scalar = typeof values === 'number'): string {
    const list = typeof values === 'number' ? [values] : values;
    const bytes = Buffer.alloc(8 * list.length);
    for (const [i, v] of list.entries()) bytes.writeBigInt64LE(BigInt(v), 8 * i);
    return this.constant('int64', DataType.INT64, scalar ? [] : [list.length], bytes, list);
  }

  private constant(
    kind: string,
    dataType: number,
    dims: number[],
    bytes: Buffer,
    values: readonly number[],
  ): string {
    const key = `${kind}[${dims.join(',')}]:${values.join(',')}`;
    const existing = this.constantNames.get(key);
    if (existing) return existing;
    const name = `const_${kind}_${dims.length === 0 ? 'scalar' : 'vector'}_${this.constantNames.size}`;
    this.constantNames.set(key, name);
    this.constants.push({ name, dataType, dims, rawData: new Uint8Array(bytes) });
    return name;
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  chain,
  InvalidOptionError,
  type LogitsProcessor,
  type ProcessContext,
  ProcessorChain,
} from '../src/index.js';

const ctx: ProcessContext = {
  tokens: new Int32Array([5, 7]),
  length: 2,
  promptLength: 1,
  row: 0,
  eosTokenIds: [],
};

function addConstant(value: number): LogitsProcessor {
  return {
    name: `add${value}`,
    process(logits) {
      for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! + value;
    },
  };
}

function scale(factor: number): LogitsProcessor {
  return {
    name: `scale${factor}`,
    process(logits) {
      for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! * factor;
    },
  };
}

/** Bans every token it has accepted so far: stateful, with accept / reset / clone. */
class BanAccepted implements LogitsProcessor {
  readonly name = 'banAccepted';
  banned: number[] = [];
  process(logits: Float32Array): void {
    for (const token of this.banned) logits[token] = Number.NEGATIVE_INFINITY;
  }
  accept(token: number): void {
    this.banned.push(token);
  }
  reset(): void {
    this.banned = [];
  }
  clone(): BanAccepted {
    const copy = new BanAccepted();
    copy.banned = [...this.banned];
    return copy;
  }
}

describe('ProcessorChain', () => {
  it('runs its members in order', () => {
    const row = new Float32Array([1, 2, -3]);
    chain(addConstant(1), scale(2)).process(row, ctx);
    expect([...row]).toEqual([4, 6, -4]); // (x + 1) * 2
    const other = new Float32Array([1, 2, -3]);
    chain(scale(2), addConstant(1)).process(other, ctx);
    expect([...other]).toEqual([3, 5, -5]); // x * 2 + 1
  });

  it('is named after its members unless given a name, and the name follows add/remove', () => {
    const a = addConstant(1);
    const c = chain(a, scale(2));
    expect(c.name).toBe('chain(add1,scale2)');
    c.add(addConstant(3));
    expect(c.name).toBe('chain(add1,scale2,add3)');
    c.remove(a);
    expect(c.name).toBe('chain(scale2,add3)');
    expect(new ProcessorChain([a], { name: 'warpers' }).name).toBe('warpers');
    expect(chain().name).toBe('chain()');
  });

  it('nests: a chain inside a chain runs in place', () => {
    const row = new Float32Array([1, 0]);
    chain(addConstant(1), chain(scale(3), addConstant(-1)), scale(2)).process(row, ctx);
    expect([...row]).toEqual([10, 4]); // ((x + 1) * 3 - 1) * 2
  });

  it('an empty chain leaves the row untouched', () => {
    const row = new Float32Array([0.5, Number.NEGATIVE_INFINITY]);
    chain().process(row, ctx);
    expect([...row]).toEqual([0.5, Number.NEGATIVE_INFINITY]);
  });

  it('exposes members as a frozen snapshot and supports get / size / remove like llama.cpp', () => {
    const a = addConstant(1);
    const b = scale(2);
    const c = chain(a, b);
    expect(c.members).toEqual([a, b]);
    expect(Object.isFrozen(c.members)).toBe(true);
    expect(c.size).toBe(2);
    expect(c.get(1)).toBe(b);
    expect(c.get(2)).toBeUndefined();
    expect(c.get(-1)).toBeUndefined();
    expect(c.remove(5)).toBeUndefined();
    expect(c.remove(addConstant(1))).toBeUndefined();
    expect(c.remove(0)).toBe(a);
    expect(c.members).toEqual([b]);
  });

  it('forwards accept and reset to every member that has them, nested chains included', () => {
    const outer = new BanAccepted();
    const inner = new BanAccepted();
    const c = chain(outer, addConstant(0), chain(inner));
    c.accept(1, ctx);
    c.accept(2, ctx);
    expect(outer.banned).toEqual([1, 2]);
    expect(inner.banned).toEqual([1, 2]);
    const row = new Float32Array(4);
    c.process(row, ctx);
    expect([...row]).toEqual([0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);
    c.reset();
    expect(outer.banned).toEqual([]);
    expect(inner.banned).toEqual([]);
  });

  it('clone deep-copies stateful members and shares stateless ones', () => {
    const stateless = addConstant(0);
    const original = new ProcessorChain([new BanAccepted(), stateless, chain(new BanAccepted())], {
      name: 'row',
    });
    original.accept(1, ctx);
    const copy = original.clone();
    expect(copy.name).toBe('row');
    expect(copy.members[1]).toBe(stateless);
    expect(copy.members[0]).not.toBe(original.members[0]);
    copy.accept(2, ctx);
    original.accept(3, ctx);

    const fromOriginal = new Float32Array(4);
    original.process(fromOriginal, ctx);
    const fromCopy = new Float32Array(4);
    copy.process(fromCopy, ctx);
    const ninf = Number.NEGATIVE_INFINITY;
    expect([...fromOriginal]).toEqual([0, ninf, 0, ninf]);
    expect([...fromCopy]).toEqual([0, ninf, ninf, 0]);
    // the nested chain's member was copied too
    expect((copy.members[2] as ProcessorChain).members[0]).not.toBe(
      (original.members[2] as ProcessorChain).members[0],
    );
    // changing the copy's membership leaves the original alone
    copy.add(scale(2));
    expect(original.size).toBe(3);
  });

  it('calls onStage after each member with the row as that member left it, also in clones', () => {
    const seen: string[] = [];
    const observer = (
      member: LogitsProcessor,
      index: number,
      logits: Float32Array,
      context: ProcessContext,
    ) => {
      seen.push(`${context.row}:${index}:${member.name}:${[...logits].join(',')}`);
    };
    const c = new ProcessorChain([addConstant(1), scale(2)], { onStage: observer });
    c.process(new Float32Array([1, 2]), ctx);
    c.clone().process(new Float32Array([0, 0]), { ...ctx, row: 3 });
    expect(seen).toEqual(['0:0:add1:2,3', '0:1:scale2:4,6', '3:0:add1:1,1', '3:1:scale2:2,2']);
  });

  it('rejects things that are not processors, naming the position', () => {
    expect(() => chain(addConstant(1), { name: 'broken' } as unknown as LogitsProcessor)).toThrow(
      InvalidOptionError,
    );
    expect(() => chain(addConstant(1), null as unknown as LogitsProcessor)).toThrow(
      /chain\.members\[1\] must be a logits processor/,
    );
    expect(() => new ProcessorChain([], { name: '' })).toThrow(/chain\.name must be a non-empty string/);
    expect(() => new ProcessorChain([], { onStage: 3 as never })).toThrow(InvalidOptionError);
    expect(() => new ProcessorChain('abc' as never)).toThrow(InvalidOptionError);
  });

  it('refuses to contain itself, directly or through a nested chain', () => {
    const outer = chain(addConstant(1));
    expect(() => outer.add(outer)).toThrow(ConfigError);
    const inner = chain(outer);
    expect(() => outer.add(inner)).toThrow(/cannot contain itself/);
    expect(outer.size).toBe(1);
  });

  it('property: any nesting of affine members equals applying them one after another', () => {
    const step = fc.tuple(fc.constantFrom('add', 'scale'), fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 6 }),
        (steps, split, values) => {
          const make = ([kind, value]: [string, number]) =>
            kind === 'add' ? addConstant(value) : scale(value);
          const cut = Math.min(split, steps.length);
          const nested = chain(chain(...steps.slice(0, cut).map(make)), ...steps.slice(cut).map(make));
          const row = Float32Array.from(values);
          nested.process(row, ctx);
          const expected = values.map((x) =>
            steps.reduce((acc, [kind, v]) => (kind === 'add' ? acc + v : acc * v), x),
          );
          expect([...row]).toEqual(expected.map((x) => Math.fround(x)));
        },
      ),
    );
  });
});

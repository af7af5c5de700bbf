// Plugin samplers the playground offers. Imported by the page (for the controls and validation) and, before
// the stock worker, by the model worker (which creates the samplers a generate call names).
import { register } from '@nucleus/llama-samplers';
import { samplerRegistry } from '@nucleus/samplers';

register(samplerRegistry);

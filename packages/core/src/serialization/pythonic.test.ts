import { describe, expect, it } from 'vitest';
import { fromPythonic, toCamelCase, toPythonic, toSnakeCase } from './pythonic.js';

describe('pythonic conversion', () => {
  it('converts identifiers both ways like tfjs-layers', () => {
    expect(toSnakeCase('useBias')).toBe('use_bias');
    expect(toSnakeCase('kernelInitializer')).toBe('kernel_initializer');
    expect(toSnakeCase('channelsLast')).toBe('channels_last');
    expect(toSnakeCase('batchInputShape')).toBe('batch_input_shape');
    expect(toCamelCase('use_bias')).toBe('useBias');
    expect(toCamelCase('fan_avg')).toBe('fanAvg');
    expect(toCamelCase('relu')).toBe('relu');
  });

  it('keeps layer names and class names, converts keys and other strings', () => {
    const config = {
      className: 'Model',
      config: {
        name: 'my_Model',
        layers: [
          {
            name: 'dense_Dense1',
            className: 'Dense',
            config: { useBias: true, dataFormat: 'channelsLast' },
            inboundNodes: [[['input_A', 0, 0, {}]]],
          },
        ],
        inputLayers: [['input_A', 0, 0]],
        outputLayers: [['dense_Dense1', 0, 0]],
      },
    };
    // biome-ignore lint/suspicious/noExplicitAny: walking untyped JSON in a test
    const py = toPythonic(config) as Record<string, any>;
    expect(py.class_name).toBe('Model');
    expect(py.config.name).toBe('my_Model');
    expect(py.config.layers[0]).toEqual({
      name: 'dense_Dense1',
      class_name: 'Dense',
      config: { use_bias: true, data_format: 'channels_last' },
      inbound_nodes: [[['input_A', 0, 0, {}]]],
    });
    expect(py.config.input_layers).toEqual([['input_A', 0, 0]]);
    expect(fromPythonic(py)).toEqual(config);
  });
});

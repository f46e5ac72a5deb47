import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import {
  create,
  isRegistered,
  normalizeName,
  register,
  registeredNames,
  resolve,
  serialize,
} from './registry.js';

class Thing {
  readonly className = 'SpecialThing';
  constructor(readonly config: Record<string, unknown>) {}
  getConfig() {
    return this.config;
  }
}

describe('registry', () => {
  register('constraint', 'SpecialThing', (c) => new Thing(c), ['special_thing_alias']);

  it('finds classes by class name, camelCase, snake_case and alias', () => {
    expect(normalizeName('glorot_uniform')).toBe(normalizeName('GlorotUniform'));
    for (const name of ['SpecialThing', 'specialThing', 'special_thing', 'special_thing_alias']) {
      expect(create<Thing>('constraint', name)).toBeInstanceOf(Thing);
    }
    expect(isRegistered('constraint', 'special-thing')).toBe(true);
    expect(registeredNames('constraint')).toContain('SpecialThing');
  });

  it('passes configs through and resolves instances, names and serialized objects', () => {
    const t = create<Thing>('constraint', { className: 'SpecialThing', config: { a: 1 } }, { b: 2 });
    expect(t.config).toEqual({ a: 1, b: 2 });
    const inst = new Thing({});
    expect(resolve('constraint', inst)).toBe(inst);
    expect(resolve('constraint', 'SpecialThing')).toBeInstanceOf(Thing);
    expect(resolve('constraint', null)).toBeUndefined();
    expect(resolve<Thing>('constraint', undefined, 'SpecialThing')).toBeInstanceOf(Thing);
    expect(serialize(new Thing({ x: 3 }))).toEqual({ className: 'SpecialThing', config: { x: 3 } });
    expect(serialize(null)).toBeNull();
  });

  it('names the known classes, or the package to import, when a name is unknown', () => {
    expect(() => create('constraint', 'Nope')).toThrow(ConfigError);
    expect(() => create('constraint', 'Nope')).toThrow(/Known constraints: .*SpecialThing/);
    expect(() => create('callback', 'Nope')).toThrow(/import '@tensorfold\/optim'/);
  });
});

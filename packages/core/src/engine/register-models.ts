import { register } from '../registry.js';
import { Model } from './model.js';
import { Sequential } from './sequential.js';

// Keras 2.4+ saves functional models as "Functional", TensorFlow.js as "Model".
register('layer', 'Model', (config) => Model.fromConfig(config), ['Functional']);
register('layer', 'Sequential', (config) => Sequential.fromConfig(config));

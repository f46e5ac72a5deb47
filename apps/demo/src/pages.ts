/**
 * The pages of the site, in one place: the navigation, the router and the tests read this list.
 * Each page is loaded only when opened, so a page's own code stays in its own chunk.
 */
import type { Component } from 'svelte';
import type { PageProps } from './lib/page-state.svelte';

/** One page of the site. */
export interface PageEntry {
  /** Its id, the first part of the URL hash (`#neurons`). */
  id: string;
  /** Its title in the navigation. */
  title: string;
  /** One line on what it shows. */
  summary: string;
  /** The text(s) it follows. */
  source: string;
  /** Loads its component. */
  load: () => Promise<{ default: Component<PageProps> }>;
}

export const PAGES: readonly PageEntry[] = [
  {
    id: 'neurons',
    title: 'Neurons',
    summary:
      'Logic neurons, the fruit perceptron stepped one example at a time, Adaline and Madaline on XOR.',
    source: 'seed 003',
    load: () => import('./pages/neurons/NeuronsPage.svelte'),
  },
  {
    id: 'playground',
    title: 'Playground',
    summary: 'A multilayer perceptron on 2-D data sets, trained live: decision regions and loss curves.',
    source: 'seed 002, seed 003, seed 004',
    load: () => import('./pages/playground/PlaygroundPage.svelte'),
  },
  {
    id: 'functions',
    title: 'Activations, losses, optimizers',
    summary:
      "Seed 004's activations and their derivatives, BCE and MSE, and six optimizers' paths on 2-D loss surfaces.",
    source: 'seed 004, seed 002',
    load: () => import('./pages/functions/FunctionsPage.svelte'),
  },
  {
    id: 'tensors',
    title: 'Tensors',
    summary:
      'Outer, Kronecker, Khatri-Rao and Hadamard products; CP, Tucker and tensor-train decompositions of an image.',
    source: 'seed 000',
    load: () => import('./pages/tensors/TensorsPage.svelte'),
  },
  {
    id: 'regularization',
    title: 'Regularization and training',
    summary:
      'Over- and underfitting curves, early stopping with restored weights, dropout, batch norm, k-fold, augmentation.',
    source: 'seed 002, seed 004, seed 001',
    load: () => import('./pages/regularization/RegularizationPage.svelte'),
  },
  {
    id: 'convnets',
    title: 'Convnets',
    summary:
      'LeNet-5 trained live on MNIST; draw a digit, see every feature map and filter, Grad-CAM, the architecture gallery.',
    source: 'seed 003, seed 004, seed 002',
    load: () => import('./pages/convnets/ConvnetsPage.svelte'),
  },
  {
    id: 'sequences',
    title: 'Sequences',
    summary:
      "Tomorrow's temperature forecast by a recurrent network beside the persistence baseline; a character model writing names at a chosen temperature.",
    source: 'seed 002, seed 003',
    load: () => import('./pages/sequences/SequencesPage.svelte'),
  },
  {
    id: 'generative',
    title: 'Generative models',
    summary:
      "A 2-D GAN stepped as GAN Lab does; a VAE's latent space (grid and interpolation); DCGAN samples.",
    source: 'seed 002, seed 003',
    load: () => import('./pages/generative/GenerativePage.svelte'),
  },
  {
    id: 'compression',
    title: 'Compression',
    summary:
      'A trained LeNet-5 quantized (float16, uint8, int8) and decomposed (SVD, tensor train, Tucker-2, CP): accuracy and size side by side.',
    source: 'seed 000, seed 001',
    load: () => import('./pages/compression/CompressionPage.svelte'),
  },
];

/** The page of a hash's id, or the first page. */
export function pageById(id: string): PageEntry {
  return PAGES.find((p) => p.id === id) ?? PAGES[0];
}

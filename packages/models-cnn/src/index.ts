/** @tensorfold/models-cnn (being built: see the package issue). */
export {};

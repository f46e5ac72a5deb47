/** @tensorfold/optim (being built: see the package issue). */
export {};

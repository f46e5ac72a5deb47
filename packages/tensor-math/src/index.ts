/** @tensorfold/tensor-math (being built: see the package issue). */
export {};

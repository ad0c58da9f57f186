// Errors the mesh's public API throws, in a file of their own so the API and its HTTP routes share them.

/** Thrown when a demo request cannot even start because the mesh's entry point is down. */
export class MeshDownError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MeshDownError';
  }
}

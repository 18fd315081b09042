/** The poll/retry/download engine. It knows nothing of Ideogram or of any provider. */
export * from './http';
export * from './waiting';
export * from './errors';
export * from './redact';
export * from './retry';
export * from './poll';
export * from './download';
export * from './n8nTransport';
export * from './jsonBody';
export * from './multipart';

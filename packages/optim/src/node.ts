/**
 * @tensorfold/optim/node: everything in `@tensorfold/optim`, plus the callbacks that write files
 * (Node only): `modelCheckpoint`, `csvLogger` and `backupAndRestore`. All their writes are atomic.
 *
 * @packageDocumentation
 */
export * from './index.js';
export { BackupAndRestore, type BackupAndRestoreArgs, backupAndRestore } from './node/backup-and-restore.js';
export { type BackupHeader, decodeBackup } from './node/backup-file.js';
export { CSVLogger, type CSVLoggerArgs, csvLogger } from './node/csv-logger.js';
export { fillTemplate } from './node/filepath.js';
export { ModelCheckpoint, type ModelCheckpointArgs, modelCheckpoint } from './node/model-checkpoint.js';

// What the normaliser knows about SQL keywords: which first words are operations (anything
// else is `_OTHER`, so the operation label stays bounded) and where each operation names its
// main table.

/** First keywords reported as `db_operation_name`. */
export const OPERATIONS: ReadonlySet<string> = new Set(
  (
    'SELECT INSERT UPDATE DELETE REPLACE MERGE UPSERT WITH VALUES TABLE ' +
    'CREATE DROP ALTER TRUNCATE RENAME COMMENT GRANT REVOKE ' +
    'BEGIN START COMMIT ROLLBACK SAVEPOINT RELEASE END ABORT XA ' +
    'SET SHOW RESET USE DESCRIBE DESC EXPLAIN ANALYZE ANALYSE VACUUM ' +
    'CALL DO EXECUTE EXEC PREPARE DEALLOCATE DECLARE FETCH MOVE CLOSE ' +
    'COPY LOCK UNLOCK LISTEN NOTIFY UNLISTEN DISCARD REFRESH REINDEX CLUSTER ' +
    'CHECKPOINT LOAD HANDLER OPTIMIZE REPAIR CHECK CHECKSUM FLUSH KILL ' +
    'PURGE INSTALL UNINSTALL IMPORT SECURITY REASSIGN'
  ).split(' '),
);

/** Keywords that start the main statement after a `WITH` list. */
export const MAIN_OPERATIONS: readonly string[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'VALUES', 'TABLE'];

/** How an operation names its main table: after a keyword, or as the next name. */
export interface CollectionRule {
  readonly after: string | undefined;
  /** Words skipped between the keyword (or operation) and the name. */
  readonly skip: readonly string[];
}

export const COLLECTION_RULES: Readonly<Record<string, CollectionRule>> = {
  SELECT: { after: 'FROM', skip: ['ONLY', 'LATERAL'] },
  DELETE: { after: 'FROM', skip: ['ONLY'] },
  INSERT: { after: undefined, skip: ['INTO', 'IGNORE', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY'] },
  REPLACE: { after: undefined, skip: ['INTO', 'LOW_PRIORITY', 'DELAYED'] },
  UPDATE: { after: undefined, skip: ['ONLY', 'LOW_PRIORITY', 'IGNORE'] },
  MERGE: { after: 'INTO', skip: ['ONLY'] },
  TRUNCATE: { after: undefined, skip: ['TABLE', 'ONLY'] },
  TABLE: { after: undefined, skip: ['ONLY'] },
  CREATE: { after: 'TABLE', skip: ['IF', 'NOT', 'EXISTS'] },
  DROP: { after: 'TABLE', skip: ['IF', 'EXISTS'] },
  ALTER: { after: 'TABLE', skip: ['IF', 'EXISTS', 'ONLY'] },
  COPY: { after: undefined, skip: [] },
  LOCK: { after: undefined, skip: ['TABLE', 'TABLES', 'ONLY'] },
};

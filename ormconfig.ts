/**
 * The data source for TypeORM's own CLI (`npx typeorm -d dist/ormconfig.js migration:show`).
 * It needs DATABASE_URL; harbour's CLI (`harbour migrate`) also handles the embedded server.
 */
import 'reflect-metadata';
import { createDataSource } from './src/db/data-source';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('ormconfig: set DATABASE_URL, or use `npx harbour migrate`, which starts the embedded PostgreSQL');

export default createDataSource(url).dataSource;

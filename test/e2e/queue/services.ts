/**
 * Postgres and Redis for n8n's queue mode, started from Debian's `postgresql` and `redis-server`
 * packages (`.ci/run` installs them): each on a free loopback port, its data in a temp folder,
 * stopped (and the folder removed) by stop().
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort, startProcess, type LiveProcess } from '../n8n';

export interface Services {
	/** Environment that points n8n (main and workers) at these services, in queue mode. */
	env: Record<string, string>;
	postgres: LiveProcess;
	redis: LiveProcess;
	/** A `redis-cli` command against this Redis; its output. */
	redisCli(...args: string[]): string;
	stop(): Promise<void>;
}

/** The newest Postgres of Debian's layout (/usr/lib/postgresql/<version>/bin), or one on PATH. */
function postgresBin(name: string): string {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
	const found = versions.map((v) => path.join(root, v, 'bin', name)).find((file) => fs.existsSync(file));
	if (found) return found;
	if (spawnSync('sh', ['-c', `command -v ${name}`]).status === 0) return name;
	throw new Error(`Postgres (${name}) is not installed: apt-get install postgresql (.ci/run does)`);
}

/** Postgres refuses to run as root: as root, its commands run as the `postgres` user of Debian's package. */
function asPostgresUser(command: string, args: string[], dir: string): [string, string[]] {
	if (process.getuid?.() !== 0) return [command, args];
	fs.chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout));
	return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

async function startPostgres(dir: string): Promise<{ process: LiveProcess; port: number }> {
	const data = path.join(dir, 'data');
	const [initdb, initArgs] = asPostgresUser(postgresBin('initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-sync'], dir);
	const init = spawnSync(initdb, initArgs, { encoding: 'utf8' });
	if (init.status !== 0) throw new Error(`initdb failed:\n${init.stderr}\n${init.stdout}`);
	const port = await freePort();
	// A throwaway database: durability settings off make n8n's migrations several times faster.
	const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'].flatMap((s) => ['-c', s]);
	const [postgres, args] = asPostgresUser(postgresBin('postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, ...settings], dir);
	const proc = startProcess(postgres, args, { cwd: dir, env: process.env });
	await proc.waitForLog(/database system is ready to accept connections/, { timeoutMs: 60_000 });
	return { process: proc, port };
}

async function startRedis(dir: string): Promise<{ process: LiveProcess; port: number }> {
	const port = await freePort();
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
	const proc = startProcess('redis-server', args, { cwd: dir, env: process.env });
	await proc.waitForLog(/Ready to accept connections/, { timeoutMs: 30_000 });
	return { process: proc, port };
}

export async function startServices(): Promise<Services> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ideogram-queue-'));
	fs.mkdirSync(path.join(dir, 'redis'));
	const [pg, redis] = await Promise.all([startPostgres(dir), startRedis(path.join(dir, 'redis'))]);
	return {
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pg.port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
		},
		postgres: pg.process,
		redis: redis.process,
		redisCli: (...args) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(redis.port), ...args], { encoding: 'utf8' }).stdout.trim(),
		async stop() {
			// SIGINT is Postgres's fast shutdown
			await Promise.all([pg.process.stop('SIGINT', 10_000), redis.process.stop('SIGTERM', 10_000)]);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

import { readdirSync, readFileSync } from 'node:fs';

/** How many of this process's worker threads run 10 nice levels below its main thread (Linux). */
export function backgroundThreadCount(): number {
  const tasks = readdirSync('/proc/self/task').map((tid) => {
    const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis; the nice value is field 19 of stat(5).
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    return { name, nice };
  });
  const main = tasks.find((task) => task.name === 'MainThread')?.nice ?? Number.NaN;
  return tasks.filter(
    (task) => task.name === 'WorkerThread' && task.nice === Math.min(19, main + 10),
  ).length;
}

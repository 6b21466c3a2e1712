import { Command } from 'commander';
import { CompanyToggles } from '../admin-api.client';
import { CliContext } from '../cli-context';
import { errorMessage } from '../../common/error-message';
import { CliError, ExitCode } from '../exit-codes';
import { details } from '../output.formatter';

/** `toggles get <company> | set <company> <file.json>`: what a company's technicians see. */
export function registerToggles(program: Command, cli: CliContext): void {
  const toggles = program.command('toggles').description("a company's technician feature toggles");

  toggles
    .command('get')
    .description('the toggles in force (defaults if never set)')
    .argument('<company>', 'serviceCompanyId')
    .action(async (company: string, _options: object, command: Command) => {
      show(cli, command, await cli.api().featureToggles(company));
    });

  toggles
    .command('set')
    .description('replace all seven toggles with those of a JSON file')
    .argument('<company>', 'serviceCompanyId')
    .argument('<file>', 'JSON: the seven toggles, or the output of `toggles get --json`')
    .action(async (company: string, file: string, _options: object, command: Command) => {
      const body = togglesOf(file, await read(cli, file));
      show(cli, command, await cli.api().setFeatureToggles(company, body));
    });
}

async function read(cli: CliContext, file: string): Promise<string> {
  try {
    return await cli.readFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${errorMessage(error)}`, ExitCode.Usage);
  }
}

/** The toggles object itself, also when the file is what `toggles get --json` printed. */
function togglesOf(file: string, text: string): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${errorMessage(error)}`, ExitCode.Usage);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${file} must hold a JSON object`, ExitCode.Usage);
  }
  const wrapped = (parsed as { toggles?: unknown }).toggles;
  return typeof wrapped === 'object' && wrapped !== null ? wrapped : parsed;
}

function show(cli: CliContext, command: Command, company: CompanyToggles): void {
  cli
    .output(command)
    .show(company, () =>
      details([
        ['company', company.serviceCompanyId],
        ...Object.entries(company.toggles),
        ['version', company.version],
        ['updated by', company.updatedBy],
        ['updated at', company.updatedAt],
      ]),
    );
}

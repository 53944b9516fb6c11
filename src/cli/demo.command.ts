import type { Command } from 'commander';
import { CliFailure, cliConfig, EXIT } from './cli-context.js';
import { DemoScenario } from './demo-scenario.js';
import { DemoSession } from './demo-session.js';

/**
 * `gateway demo`: the reference scenario (DESIGN.md) played against a running gateway through its
 * public and admin APIs only, so it works against the embedded `npm start` as well as a production
 * install. Each step is shown as it is seen; the command exits 0 only when every step was seen, and
 * otherwise names the step that did not happen within the timeout. This file reads the options; the
 * steps are DemoScenario's (demo-scenario.ts), the calls and the waiting DemoSession's
 * (demo-session.ts), the documents sent demo-documents.ts's.
 */

interface Options {
  readonly url?: string;
  readonly token?: string;
  readonly owner?: string;
  readonly timeout: string;
  readonly transport: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'play the reference scenario against a running gateway: a production completion, the reorder point crossed, a PO change through the ERP to the supplier, the supplier refusing, the buyer case',
    )
    .option('--url <url>', 'the running gateway (default: PUBLIC_URL, else http://localhost:PORT)')
    .option('--token <token>', 'an admin bearer token (default: BOOTSTRAP_ADMIN_TOKEN)')
    .option('--owner <userId>', "a buyer's user id: owns the material's recommendations and is notified")
    .option('--timeout <seconds>', 'give up on a step after this long', '90')
    .option(
      '--transport <transport>',
      'how the MES sends the completion: auto (MQTT when MQTT_URL is set), mqtt or rest',
      'auto',
    )
    .action(async (options: Options) => {
      const config = cliConfig();
      const url = (options.url ?? config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
      const token = options.token ?? config.BOOTSTRAP_ADMIN_TOKEN;
      if (!token)
        throw new CliFailure(
          'an admin token is needed: start the gateway with BOOTSTRAP_ADMIN_TOKEN set and run the demo with the same variable, or pass --token',
          EXIT.usage,
        );
      const timeoutMs = Number(options.timeout) * 1000;
      if (!(timeoutMs > 0)) throw new CliFailure('--timeout expects seconds above 0', EXIT.usage);
      const transport =
        options.transport === 'auto' ? (config.MQTT_URL ? 'mqtt' : 'rest') : options.transport;
      if (transport !== 'mqtt' && transport !== 'rest')
        throw new CliFailure('--transport expects auto, mqtt or rest', EXIT.usage);
      if (transport === 'mqtt' && !config.MQTT_URL)
        throw new CliFailure(
          '--transport mqtt needs MQTT_URL (the broker the gateway subscribes to)',
          EXIT.usage,
        );
      const demo = new DemoScenario(
        new DemoSession(url, token, timeoutMs),
        options.owner ?? null,
        transport,
        config.MQTT_URL ?? null,
        config.MQTT_TOPICS,
      );
      await demo.run();
    });
}

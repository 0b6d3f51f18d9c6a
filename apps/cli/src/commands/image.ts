import { isLiumError } from '@lium/errors';
import type { ImageProgress, PublishedImage } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { localPath } from '../local-files.ts';
import { flag, options, text } from '../options.ts';
import { formatBytes } from '../output/format.ts';

interface Layer {
  status: string;
  current: number;
  total: number;
}

/**
 * The progress view: one spinner line on a terminal (phase, then layers and bytes while
 * pushing); off a terminal one line per phase and nothing per layer.
 */
function progressView(ctx: CommandContext) {
  const { out } = ctx;
  if (out.json) return { onProgress: undefined, finish: () => {}, fail: () => {} };
  if (!out.animated) {
    return {
      onProgress: (event: ImageProgress) => {
        if (event.type === 'phase') out.step(event.text);
      },
      finish: () => {},
      fail: () => {},
    };
  }
  const spinner = out.spinner('Connecting to Docker');
  const layers = new Map<string, Layer>();
  let pushing = '';
  const onProgress = (event: ImageProgress) => {
    if (event.type === 'phase') {
      if (event.phase === 'push') pushing = event.text;
      spinner.update(event.text);
      return;
    }
    if (event.type === 'build_step') {
      spinner.update(`Building: ${event.text}`);
      return;
    }
    const layer = layers.get(event.id) ?? { status: '', current: 0, total: 0 };
    layer.status = event.status;
    if (event.total !== undefined) layer.total = event.total;
    if (event.current !== undefined) layer.current = event.current;
    if (/^(Pushed|Layer already exists|Mounted from)/.test(event.status))
      layer.current = layer.total;
    layers.set(event.id, layer);
    const all = [...layers.values()];
    const done = all.filter((l) => /^(Pushed|Layer already exists|Mounted from)/.test(l.status));
    const sent = all.reduce((sum, l) => sum + l.current, 0);
    const total = all.reduce((sum, l) => sum + l.total, 0);
    spinner.update(
      `${pushing}: ${done.length}/${all.length} layers${total > 0 ? `, ${formatBytes(sent)} / ${formatBytes(total)}` : ''}`,
    );
  };
  return { onProgress, finish: () => spinner.stop(), fail: () => spinner.stop() };
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('name', {
        type: 'string',
        demandOption: true,
        describe: 'Image name; pushed as <registry user>/<name>:<tag>',
      })
      .positional('dir', {
        type: 'string',
        demandOption: true,
        describe: 'Directory with the Dockerfile (the build context)',
      })
      .options(
        options({
          tag: text('Image tag (default latest)'),
          registry: text('Registry host[:port] to push to (default Docker Hub)'),
          wait: flag('Wait for Lium to verify the template (--no-wait: return at once)', {
            default: true,
          }),
          network: text(
            'Network for RUN steps of the build, as `docker build --network` (e.g. none)',
          ),
        }),
      )
      .example('lium image my-model .', 'build ./Dockerfile, push <user>/my-model:latest, verify')
      .example('lium image api ./svc --tag v2 --registry registry.example.com', 'another registry')
      .epilogue(
        "Needs a running Docker engine (DOCKER_HOST is honoured). The registry login comes from DOCKER_USERNAME/DOCKER_PASSWORD, then `lium config set docker.username/docker.password`, then the account's Docker credentials. Prints `lium up <#> --image <template id>` once verified.",
      ),
  async handler(args, ctx) {
    const { publishImage } = await import('@lium/sdk');
    const lium = await ctx.lium();
    const view = progressView(ctx);
    const { out } = ctx;
    let published: PublishedImage;
    try {
      published = await publishImage(lium, {
        name: args.name,
        dir: localPath(args.dir, ctx.io),
        tag: args.tag,
        registry: args.registry,
        buildNetwork: args.network,
        wait: args.wait,
        env: ctx.io.env,
        signal: ctx.signal,
        onProgress: view.onProgress,
      });
    } catch (error) {
      view.fail();
      if (isLiumError(error) && error.code === 'image_invalid') {
        throw new CliUsageError(error.message, error.hint);
      }
      const details = isLiumError(error) ? (error as { details?: unknown }).details : undefined;
      if (!out.json && typeof details === 'string' && details.includes('\n')) {
        out.info(out.c.dim(details));
      }
      throw error;
    }
    view.finish();
    const { templateId, image, digest, status } = published;
    if (out.json) {
      out.printJson({ template_id: templateId, image, digest, status });
      return;
    }
    out.success(`Pushed ${image} (${digest})`);
    if (status === 'VERIFY_SUCCESS') {
      out.success(`Template ${templateId} verified`);
      out.print(`lium up <#> --image ${templateId}`);
    } else {
      out.info(
        `Template ${templateId} created (${status}); see \`lium templates ${args.name}\` for its status.`,
      );
    }
  },
});

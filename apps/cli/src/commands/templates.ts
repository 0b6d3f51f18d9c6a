import { defineCommand } from '../define-command.ts';
import { renderTable } from '../output/table.ts';
import { templateRow } from '../rows.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('search', { type: 'string', describe: 'Words in the name, image or category' })
      .example('lium templates pytorch', 'PyTorch images; pass an id to `lium up --image`'),
  async handler(args, ctx) {
    const lium = await ctx.lium();
    const templates = await lium.getTemplates({ signal: ctx.signal });
    const words = (args.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const matching = templates.filter((template) => {
      const text =
        `${template.name} ${template.dockerImage}:${template.dockerImageTag} ${template.category ?? ''}`.toLowerCase();
      return words.every((word) => text.includes(word));
    });
    const { out } = ctx;
    if (out.json) {
      out.printJson(matching.map((template, i) => templateRow(template, i + 1)));
      return;
    }
    if (matching.length === 0) {
      out.warn(args.search ? `No template matches "${args.search}".` : 'No templates.');
      return;
    }
    const c = out.data;
    out.print(
      renderTable(
        [
          { header: '#', align: 'right' },
          { header: 'ID' },
          { header: 'NAME' },
          { header: 'IMAGE' },
          { header: 'CATEGORY' },
        ],
        matching.map((template, i) => [
          String(i + 1),
          c.dim(template.id),
          template.name,
          `${template.dockerImage}:${template.dockerImageTag}`,
          template.category ?? '',
        ]),
        c,
      ),
    );
    out.info(out.c.dim('Use one with `lium up <#> --image <ID>`.'));
  },
});

import { defineCommand } from '../define-command.ts';
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
    // Remember the rows on screen, so `lium up 1 --image 2` means row 2 of this table.
    await lium.rememberTemplates(matching);
    ctx.out.result(
      matching.map((template, i) => ({ template, index: i + 1 })),
      {
        json: ({ template, index }) => templateRow(template, index),
        columns: [
          { header: '#', align: 'right', cell: ({ index }) => String(index) },
          { header: 'ID', cell: ({ template }, c) => c.dim(template.id) },
          { header: 'NAME', cell: ({ template }) => template.name },
          {
            header: 'IMAGE',
            cell: ({ template }) => `${template.dockerImage}:${template.dockerImageTag}`,
          },
          { header: 'CATEGORY', cell: ({ template }) => template.category ?? '' },
        ],
        empty: {
          message: args.search ? `No template matches "${args.search}".` : 'No templates.',
          warn: true,
        },
        footer: 'Use one with `lium up <machine #> --image <#|ID>`.',
      },
    );
  },
});

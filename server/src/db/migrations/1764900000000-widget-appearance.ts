import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The website widget's look per token (docs/widget.md): one JSON object, `{}` for the existing tokens. */
export class WidgetAppearance1764900000000 implements MigrationInterface {
  name = 'WidgetAppearance1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'widget_tokens',
      new TableColumn({ name: 'appearance', type: 'text', isNullable: false, default: "'{}'" }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('widget_tokens', 'appearance');
  }
}

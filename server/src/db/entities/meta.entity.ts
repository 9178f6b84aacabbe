import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'system_meta' })
export class MetaEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}

import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/config';
import { typeOrmOptions } from './typeorm-options';

/** The TypeORM DataSource. Read-model entities are registered by their modules (forFeature). */
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ ...typeOrmOptions(config), autoLoadEntities: true }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}

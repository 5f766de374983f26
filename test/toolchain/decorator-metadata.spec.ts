import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import ts from 'typescript';

// NestJS injects by constructor parameter types, which exist at run time only if the compiler emits
// `design:paramtypes` metadata (experimentalDecorators + emitDecoratorMetadata). Both compilers we
// use must do it: tsc for `npm run build`, @swc/jest for the tests. See docs/adr/0001.
const root = join(__dirname, '..', '..');

function projectCompilerOptions(): ts.CompilerOptions {
  const file = ts.readConfigFile(join(root, 'tsconfig.build.json'), (p) => ts.sys.readFile(p));
  return ts.parseJsonConfigFileContent(file.config, ts.sys, root).options;
}

const SNIPPET = `
  import { Injectable } from '@nestjs/common';
  class Clock {}
  @Injectable()
  export class Service {
    constructor(private readonly clock: Clock, private readonly name: string) {}
  }
`;

describe('toolchain: decorator metadata', () => {
  it('tsc (TypeScript ' + ts.version + ') emits design:paramtypes with the project settings', () => {
    const options = projectCompilerOptions();
    expect(options.experimentalDecorators).toBe(true);
    expect(options.emitDecoratorMetadata).toBe(true);
    const out = ts.transpileModule(SNIPPET, { compilerOptions: options, fileName: 'service.ts' }).outputText;
    expect(out).toContain('__metadata("design:paramtypes", [Clock, String])');
  });

  @Injectable()
  class Clock {
    now(): Date {
      return new Date(0);
    }
  }

  @Injectable()
  class Service {
    constructor(readonly clock: Clock) {}
  }

  it('@swc/jest emits it too (Reflect.getMetadata at run time)', () => {
    expect(Reflect.getMetadata('design:paramtypes', Service)).toEqual([Clock]);
  });

  it('so Nest resolves a constructor dependency by its type', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [Clock, Service] }).compile();
    expect(moduleRef.get(Service).clock).toBeInstanceOf(Clock);
    await moduleRef.close();
  });
});

import { expect } from 'chai';
import { parseDefinition, pipelineDefaults, validateDefinition, type DefinitionError } from '../src/index.js';
import { definition, lines, orderFields, refusal } from './support/fixtures.js';

const yamlText = `
id: clicks
name: Clicks
input:
  schema:
    - { name: url, type: string }
    - { name: ms, type: long, nullable: true, default: null }
key: [url]
stages:
  - type: filter
    where: ms != null
  - type: enrich
    on: url
    table: { "/": { page: home } }
    fields: [page]
    missing: null
`;

describe('parseDefinition', () => {
  it('parses YAML and applies defaults from pipelineDefaults', () => {
    const def = parseDefinition(yamlText);
    expect(def.id).to.equal('clicks');
    expect(def.priority).to.equal(pipelineDefaults.priority);
    expect(def.sinks).to.deep.equal([{ type: 'kafka', topic: 'processed' }]);
    expect(def.key).to.deep.equal(['url']);
    // YAML reads `missing: null` as null; the normalised policy is the string 'null'.
    expect(def.stages[1]).to.include({ type: 'enrich', missing: 'null' });
    expect(Object.isFrozen(def) && Object.isFrozen(def.stages[0])).to.equal(true);
  });

  it('parses JSON, detected or declared, to the same definition as YAML', () => {
    const json = JSON.stringify(definition([{ type: 'filter', where: 'price > 0.0' }], { priority: 'high' }));
    const detected = parseDefinition(json);
    expect(parseDefinition(json, { format: 'json' })).to.deep.equal(detected);
    expect(detected.priority).to.equal('high');
    expect(detected.input.schema).to.deep.equal(orderFields);
  });

  it('never changes the object it validates', () => {
    const input = definition([{ type: 'enrich', on: 'country', table: { DE: { region: 'EU' } }, fields: ['region'] }]);
    const before = structuredClone(input);
    validateDefinition(input);
    expect(input).to.deep.equal(before);
  });

  it('pins a schema inferred from sample records', () => {
    const def = validateDefinition({
      id: 'inferred',
      name: 'Inferred',
      input: { inferFrom: [{ sku: 'a', qty: 1, price: 2.5 }, { sku: 'b', qty: 2, price: 3, gift: true }] },
      stages: [],
    });
    expect(def.input).to.deep.equal({
      schema: [
        { name: 'sku', type: 'string', nullable: false },
        { name: 'qty', type: 'long', nullable: false },
        { name: 'price', type: 'double', nullable: false },
        { name: 'gift', type: 'boolean', nullable: true },
      ],
    });
  });

  it('reports malformed JSON and YAML with where it broke', () => {
    expect(refusal(() => parseDefinition('{"id": "x",', { format: 'json' }))[0]?.message).to.match(/^not valid JSON: /);
    const [yamlIssue] = refusal(() => parseDefinition('id: x\nname: [unclosed\n'));
    expect(yamlIssue?.message).to.match(/^not valid YAML: /);
    expect(yamlIssue?.line).to.be.a('number');
    expect(lines(refusal(() => parseDefinition('id: a\nid: b\nname: n\n')))[0]).to.match(/Map keys must be unique/);
  });

  it('gives the line and column of each offending value in the source text', () => {
    const text = yamlText.replace('where: ms != null', 'where: ms != nul');
    const [issue] = refusal(() => parseDefinition(text));
    expect(issue).to.deep.include({ path: '/stages/0/where', field: 'stages[0].where', line: 11, column: 12 });
    expect(issue?.message).to.match(/^unknown field "nul" at 6/);
  });

  it('summarises the first issue in the error message', () => {
    try {
      validateDefinition(definition([{ type: 'sort' }]));
      expect.fail('refused');
    } catch (err) {
      expect((err as DefinitionError).message).to.equal(
        'Invalid pipeline definition: stages[0].type: must be one of: map, derive, filter, rename, drop, cast, dedupe, enrich',
      );
    }
  });
});

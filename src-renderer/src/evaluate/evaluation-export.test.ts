import { describe, expect, it } from 'vitest';
import type { EvaluationTable, FeatureProtocol } from '@shared/dto.ts';
import { csvField } from '@shared/csv.ts';
import { evaluationCsv, evaluationFileName, evaluationJson } from './evaluation-export.ts';

const made = (protocol: FeatureProtocol, featureSize: number | null) => ({ protocol, inputSize: 112, clipsPerVideo: 10, featureSize });

const table: EvaluationTable = {
  ks: [1, 5],
  split: { seed: 3, testFraction: 0.3, kind: 'seeded', train: 12, test: 4, labels: 4, unlabelled: 0, queries: [], excludedClasses: [] },
  rows: [
    { ...made('vcop-reference', 9216), setId: 2, name: 'Run 1 · clip-order r3d · step 300', isRandomInit: false, topK: { 1: 0.75, 5: 1 }, queries: 4, gallery: 12 },
    { ...made('compact', null), setId: 1, name: 'Random init, "tiny"\nseed 0', isRandomInit: true, topK: { 1: 0.25, 5: null }, queries: 4, gallery: 12 },
  ],
};

describe('evaluation export', () => {
  it('quotes CSV fields only when they need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(0.5)).toBe('0.5');
    expect(csvField(false)).toBe('false');
    expect(csvField(null)).toBe('');
  });

  it('writes a CSV row per feature set with its protocol and split, fractions, empty where unmeasured', () => {
    expect(evaluationCsv(table)).toBe(
      [
        'set_id,name,random_init,protocol,input_size,clips_per_video,feature_size,top1,top5,queries,gallery,split,split_seed,test_fraction',
        '2,Run 1 · clip-order r3d · step 300,false,vcop-reference,112,10,9216,0.75,1,4,12,seeded,3,0.3',
        '1,"Random init, ""tiny""\nseed 0",true,compact,112,10,,0.25,,4,12,seeded,3,0.3',
        '',
      ].join('\r\n'),
    );
  });

  it('writes the whole table as JSON, and names the files after the split', () => {
    expect(JSON.parse(evaluationJson(table))).toEqual(table);
    expect(evaluationFileName(table, 'csv')).toBe('evaluation-seed3.csv');
    expect(evaluationFileName({ ...table, split: { ...table.split, kind: 'list' } }, 'json')).toBe('evaluation-test-list.json');
  });
});

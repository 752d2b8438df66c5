import { describe, expect, it } from 'vitest';
import { CliUsageError, DEFAULT_BATCH_ITEMS, parseCliArgs } from '../../../cli/parse-cli-args.js';

describe('rablip command line', () => {
  it('reads a question with an image, a top-k and --json', () => {
    expect(
      parseCliArgs(['ask', 'Which colours are on this flag?', '--image', 'flag.png', '--top-k', '3', '--json']),
    ).toEqual({
      command: 'ask',
      question: 'Which colours are on this flag?',
      imagePath: 'flag.png',
      topK: 3,
      isJson: true,
    });
  });

  it('joins an unquoted question and leaves out absent options', () => {
    expect(parseCliArgs(['ask', 'capital', 'of', 'Peru?'])).toEqual({
      command: 'ask',
      question: 'capital of Peru?',
      isJson: false,
    });
  });

  it('reads ingest with its directory and the default batch size', () => {
    expect(parseCliArgs(['ingest', './knowledge'])).toEqual({
      command: 'ingest',
      dir: './knowledge',
      batchItems: DEFAULT_BATCH_ITEMS,
      isJson: false,
    });
    expect(parseCliArgs(['ingest', 'kb', '--batch-items', '10'])).toMatchObject({ batchItems: 10 });
  });

  it('treats no command, help, --help and -h as help', () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) expect(parseCliArgs(argv)).toEqual({ command: 'help' });
  });

  it.each([
    [['ask'], /needs a question/],
    [['ask', '   '], /needs a question/],
    [['ask', 'q', '--top-k', '0'], /--top-k must be an integer/],
    [['ask', 'q', '--top-k', '2.5'], /--top-k must be an integer/],
    [['ask', 'q', '--batch-items', '3'], /belongs to ingest/],
    [['ask', 'q', '--colour', 'red'], /Unknown option '--colour'/],
    [['ingest'], /exactly one directory/],
    [['ingest', 'a', 'b'], /exactly one directory/],
    [['ingest', 'kb', '--image', 'x.png'], /belong to ask/],
    [['ingest', 'kb', '--batch-items', '101'], /--batch-items must be an integer from 1 to 100/],
    [['delete', 'x'], /unknown command "delete"/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

/**
 * Country names as they read inside a sentence: "the United States", "the Philippines", "the Cayman Islands",
 * but "Bouvet Island" and "Peru". Answers keep the bare name; only prose (passages and questions) uses this.
 * @module
 */

const takesArticle =
  /(Islands|Lands)$|^United |Republic|Territory|^(Bahamas|Caribbean Netherlands|Ivory Coast|DR Congo|Comoros|Gambia|Isle of Man|Maldives|Netherlands|Philippines|Seychelles)$/;

/** The name with "the" where English needs it. */
export function writeCountryInProse(name: string): string {
  return takesArticle.test(name) ? `the ${name}` : name;
}

/** Upper-cases the first character of a sentence ("the Gambia is …" becomes "The Gambia is …"). */
export function capitaliseSentence(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

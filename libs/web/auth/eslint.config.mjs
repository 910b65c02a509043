import nx from '@nx/eslint-plugin';
import baseConfig from '../../../eslint.config.mjs';

// No components or directives here, so none of the other web libs' selector-prefix rules.
export default [...nx.configs['flat/angular'], ...baseConfig];

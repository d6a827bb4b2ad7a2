import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { methods } from '../core/methods/registry';
import { recipeToString } from '../core/recipe/format';
import { createBrowserServices, SAMPLE_MODEL } from './services/browser-services';
import { createStudioStore } from './store/studio-store';
import { StoreProvider } from './store/store-context';
import { toMethodInfo } from './store/studio-state';
import { App } from './containers/App';
import './styles.css';

const methodInfo = methods.map(toMethodInfo);
const store = createStudioStore({ services: createBrowserServices(), methods: methodInfo, recipeText: recipeToString });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App methods={methodInfo} describeRecipe={recipeToString} sample={SAMPLE_MODEL} />
    </StoreProvider>
  </StrictMode>,
);

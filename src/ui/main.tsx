import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { methods } from '../core/methods/registry';
import { createBrowserServices, SAMPLE_MODEL } from './services/browser-services';
import { createStudioStore } from './store/studio-store';
import { StoreProvider } from './store/store-context';
import { App } from './containers/App';
import type { MethodInfo } from './store/studio-state';
import './styles.css';

const methodInfo: MethodInfo[] = methods.map(({ id, label, description, options }) => ({ id, label, description, options }));
const store = createStudioStore({ services: createBrowserServices(), methods: methodInfo });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App methods={methodInfo} sample={SAMPLE_MODEL} />
    </StoreProvider>
  </StrictMode>,
);

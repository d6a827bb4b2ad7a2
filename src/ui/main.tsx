import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { declarations } from '../core/methods/declarations';
import { recipeToString } from '../core/recipe/format';
import { createBrowserServices, SAMPLE_MODEL } from './services/browser-services';
import { createStudioStore } from './store/studio-store';
import { StoreProvider } from './store/store-context';
import { toMethodInfo } from './store/studio-state';
import { App } from './containers/App';
import { createDeviceJobs } from './services/device-jobs';
import { createDeviceStore, DeviceStoreProvider } from './store/device-store';
import { startPwa } from './pwa/start-pwa';
import { PwaNotice } from './pwa/PwaNotice';
import './styles.css';

const methodInfo = declarations.map(toMethodInfo);
const services = createBrowserServices();
const store = createStudioStore({ services, methods: methodInfo, recipeText: recipeToString });
const deviceStore = createDeviceStore(createDeviceJobs(services.registry));
const updates = startPwa(store, deviceStore);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <DeviceStoreProvider store={deviceStore}>
        <App methods={methodInfo} describeRecipe={recipeToString} sample={SAMPLE_MODEL} />
        <PwaNotice controller={updates} />
      </DeviceStoreProvider>
    </StoreProvider>
  </StrictMode>,
);

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
import { RoutedApp } from './report/RoutedApp';
import { ReportServicesProvider, type ReportServices } from './report/report-services';
import { registeredModelSha256 } from './report/model-hash';
import './styles.css';

const methodInfo = declarations.map(toMethodInfo);
const services = createBrowserServices();
const store = createStudioStore({ services, methods: methodInfo, recipeText: recipeToString });
const deviceStore = createDeviceStore(createDeviceJobs(services.registry));
const reportServices: ReportServices = { modelSha256: (id) => registeredModelSha256(services.registry, id) };

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <StoreProvider store={store}>
      <DeviceStoreProvider store={deviceStore}>
        <ReportServicesProvider value={reportServices}>
          <RoutedApp studio={<App methods={methodInfo} describeRecipe={recipeToString} sample={SAMPLE_MODEL} />} />
        </ReportServicesProvider>
      </DeviceStoreProvider>
    </StoreProvider>
  </StrictMode>,
);

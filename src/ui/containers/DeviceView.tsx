import { useShallow } from 'zustand/react/shallow';
import { DeviceProbePanel } from '../components/DeviceProbePanel';
import { useDevice } from '../store/device-store';
import { useStudio } from '../store/store-context';

/** The device panel over the device store; hidden when the app provides none. */
export function DeviceView() {
  const model = useStudio((st) => st.model);
  const d = useDevice(
    useShallow((s) => ({
      profile: s.profile,
      probing: s.probing,
      checking: s.checking,
      phase: s.phase,
      probeError: s.probeError,
      crossCheck: s.crossCheck,
      checkError: s.checkError,
      probe: s.probe,
      checkBackends: s.checkBackends,
      cancel: s.cancel,
    })),
  );
  if (!d) return null;
  const report = d.crossCheck && model && d.crossCheck.modelId === model.id ? d.crossCheck.report : null;
  return (
    <DeviceProbePanel
      profile={d.profile}
      busy={d.probing || d.checking}
      phase={d.phase}
      probeError={d.probeError}
      onProbe={() => void d.probe()}
      onCancel={d.cancel}
      modelName={model?.name ?? null}
      crossCheck={report}
      checkError={d.checkError}
      onCrossCheck={() => model && void d.checkBackends(model.id)}
    />
  );
}

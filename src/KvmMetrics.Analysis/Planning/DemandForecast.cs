namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// Forecast CPU demand of one VM, in cores, for each hour of the plan horizon (hour 0 starts at plan time).
/// </summary>
/// <param name="Vm">The VM.</param>
/// <param name="P50">Median demand per future hour.</param>
/// <param name="P95">95th-percentile demand per future hour.</param>
/// <param name="Scenarios">
/// Joint sample paths (scenario k of every VM comes from the same past day, so summing them per host keeps
/// the correlation between VMs); empty when the forecaster gives quantiles only.
/// </param>
/// <param name="Model">Which model produced it, for the explanation.</param>
/// <param name="HasHistory">False when the VM had no usable history and a conservative default was used.</param>
public sealed record DemandForecast(string Vm, double[] P50, double[] P95, double[][] Scenarios, string Model, bool HasHistory);

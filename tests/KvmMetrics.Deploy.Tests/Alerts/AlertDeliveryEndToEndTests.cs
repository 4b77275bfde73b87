using KvmMetrics.Deploy.Tests.Support;

namespace KvmMetrics.Deploy.Tests.Alerts;

/// <summary>
/// A real Prometheus evaluates the rules against the real exporter watching a spinning guest, and a real Alertmanager
/// with the example configuration delivers the alert to a local webhook receiver.
/// </summary>
[Collection(LiveStackCollection.Name)]
[Trait("Category", "Integration")]
public sealed class AlertDeliveryEndToEndTests(LiveStack stack)
{
    [SkippableFact]
    public async Task SpinningGuest_FiresHostCpuSaturated_AndAlertmanagerDeliversItToTheWarningReceiver()
    {
        await stack.EnsureAsync();
        var rule = RuleFiles.Load(RuleFiles.MainFile).Alerts.Single(a => a.Alert == LiveStack.FastAlert);
        var target = stack.Exporter.BaseAddress.Authority;

        var delivered = await stack.Webhook.WaitForAsync(
            n => n.Body.GetProperty("alerts").EnumerateArray().Any(a => a.GetProperty("labels").GetProperty("alertname").GetString() == LiveStack.FastAlert),
            TimeSpan.FromSeconds(90));
        Assert.True(delivered is not null,
            $"no {LiveStack.FastAlert} notification in 90 s; received {stack.Webhook.Received.Count}; alertmanager: {stack.AlertmanagerLog}; prometheus: {stack.Prometheus.Log}");

        // The example config routes severity=warning to the kvm-chat receiver (the /warning webhook).
        Assert.Equal("/warning", delivered!.Path);
        Assert.Equal("kvm-chat", delivered.Body.GetProperty("receiver").GetString());
        Assert.Equal("firing", delivered.Body.GetProperty("status").GetString());
        var alert = delivered.Body.GetProperty("alerts").EnumerateArray().Single(a => a.GetProperty("labels").GetProperty("alertname").GetString() == LiveStack.FastAlert);
        var labels = alert.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.Ordinal);
        Assert.Equal(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["alertname"] = LiveStack.FastAlert,
            ["severity"] = "warning",
            ["job"] = "kvm-exporter",
            ["instance"] = target,
        }, labels);
        Assert.Equal(rule.Annotations["summary"], alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.StartsWith($"Guests on {target} have used ", alert.GetProperty("annotations").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(rule.Annotations["runbook_url"], alert.GetProperty("annotations").GetProperty("runbook_url").GetString());
        // Grouped by alertname, cluster, instance.
        Assert.Equal(LiveStack.FastAlert, delivered.Body.GetProperty("groupLabels").GetProperty("alertname").GetString());
        Assert.Equal(target, delivered.Body.GetProperty("groupLabels").GetProperty("instance").GetString());
    }
}

using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Influx;

namespace KvmMetrics.Influx.Tests.Integration;

/// <summary>One real influxd shared by the tests of a class; each test uses its own database.</summary>
public sealed class InfluxdFixture : IAsyncLifetime
{
    private InfluxdServer? _server;

    /// <summary>Why the server is unavailable (influxd missing), or null.</summary>
    public string? Missing { get; private set; }

    public InfluxdServer Server
    {
        get
        {
            Requirements.Require(_server is not null, Missing ?? "'influxd' executable");
            return _server!;
        }
    }

    public async Task InitializeAsync()
    {
        try
        {
            _server = await InfluxdServer.StartNewAsync();
        }
        catch (SkipException e)
        {
            Missing = e.Message;
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

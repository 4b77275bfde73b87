namespace KvmMetrics.Exporter;

/// <summary>Entry point of the per-host exporter.</summary>
public static class Program
{
    /// <summary>Starts the exporter.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("KvmMetrics.Exporter: not implemented yet");
        return 1;
    }
}

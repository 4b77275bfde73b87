using System.Net;

namespace KvmMetrics.Influx;

/// <summary>A query or request to InfluxDB failed; the message names the endpoint and the server's reason.</summary>
public sealed class InfluxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InfluxException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public InfluxException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InfluxException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InfluxException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The HTTP status, when the server answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}

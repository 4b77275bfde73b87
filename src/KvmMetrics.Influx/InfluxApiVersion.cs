namespace KvmMetrics.Influx;

/// <summary>Which InfluxDB HTTP API to talk to.</summary>
public enum InfluxApiVersion
{
    /// <summary>InfluxDB 1.x: <c>/write?db=&amp;rp=</c>, <c>/query</c> (InfluxQL), basic auth or u/p.</summary>
    V1,

    /// <summary>InfluxDB 2.x / Cloud: <c>/api/v2/write?org=&amp;bucket=</c>, <c>/api/v2/query</c> (Flux), <c>Authorization: Token</c>.</summary>
    V2,
}

/// <summary>How v1 credentials are sent.</summary>
public enum V1AuthMode
{
    /// <summary>HTTP basic authentication header (keeps the password out of URLs and logs).</summary>
    Basic,

    /// <summary>The <c>u</c> and <c>p</c> query parameters.</summary>
    QueryParameters,
}

using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KvmMetrics.Web.Configuration;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KvmMetrics.Web.Hosting;

/// <summary>
/// Applies a listen address and a web config to Kestrel: hardened limits (small headers, small
/// bodies, no Server header), plain HTTP or TLS from PEM files (reloaded when the files change, as
/// the exporter-toolkit does), client-certificate policy, TLS versions and cipher suites.
/// </summary>
public static class KestrelConfigurator
{
    /// <summary>Total size of all request headers accepted (a scrape sends well under 1 KiB).</summary>
    public const int MaxRequestHeadersTotalSize = 16 * 1024;

    /// <summary>Number of request headers accepted.</summary>
    public const int MaxRequestHeaderCount = 64;

    /// <summary>Configures <paramref name="options"/>; call from <c>builder.WebHost.ConfigureKestrel</c>.</summary>
    /// <exception cref="WebConfigException">A certificate or CA file cannot be loaded.</exception>
    public static void Configure(KestrelServerOptions options, ListenAddress listen, WebConfig config)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(config);
        ApplyLimits(options);

        Action<ListenOptions> configure = listenOptions => ConfigureEndpoint(listenOptions, config);
        if (listen.Localhost && listen.Port != 0)
        {
            options.ListenLocalhost(listen.Port, configure);
        }
        else if (listen.Localhost)
        {
            // Kestrel cannot bind "localhost" to a dynamic port; the IPv4 loopback is what tests want.
            options.Listen(IPAddress.Loopback, 0, configure);
        }
        else if (listen.Address is null)
        {
            options.ListenAnyIP(listen.Port, configure);
        }
        else
        {
            options.Listen(listen.Address, listen.Port, configure);
        }
    }

    /// <summary>The hardening limits, also usable on their own.</summary>
    public static void ApplyLimits(KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddServerHeader = false;
        options.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        options.Limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        options.Limits.MaxRequestLineSize = 8 * 1024;
        options.Limits.MaxRequestBodySize = 64 * 1024;
        options.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        options.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
        options.Limits.Http2.MaxRequestHeaderFieldSize = MaxRequestHeadersTotalSize;
    }

    private static void ConfigureEndpoint(ListenOptions listenOptions, WebConfig config)
    {
        if (config.Tls is not { } tls)
        {
            listenOptions.Protocols = HttpProtocols.Http1;
            return;
        }

        listenOptions.Protocols = config.Http.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        var source = config.SourcePath ?? "(inline)";
        var certificates = new ReloadingCertificate(tls, source);
        var clientCas = tls.ClientAuth is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert
            ? WebConfigLoader.LoadClientCas(tls, source)
            : null;
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => certificates.Current,
            SslProtocols = tls.EnabledProtocols,
            ClientCertificateMode = tls.ClientAuth switch
            {
                ClientAuthType.NoClientCert => ClientCertificateMode.NoCertificate,
                ClientAuthType.RequestClientCert or ClientAuthType.VerifyClientCertIfGiven => ClientCertificateMode.AllowCertificate,
                _ => ClientCertificateMode.RequireCertificate,
            },
            ClientCertificateValidation = (certificate, _, _) => ValidateClient(certificate, tls, clientCas),
            CheckCertificateRevocation = false,
        };
        if (tls.CipherSuites.Count > 0)
        {
            // Go applies cipher_suites to TLS <= 1.2 only and always allows the TLS 1.3 suites.
            var suites = tls.CipherSuites.Concat(
                [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256]).Distinct().ToArray();
            https.OnAuthenticate = (_, ssl) =>
            {
                // KvmMetrics runs on Linux (libvirt); Windows has no per-connection suite policy.
                if (!OperatingSystem.IsWindows())
                {
                    ssl.CipherSuitesPolicy = new CipherSuitesPolicy(suites);
                }
            };
        }

        listenOptions.UseHttps(https);
    }

    private static bool ValidateClient(X509Certificate2 certificate, TlsServerConfig tls, X509Certificate2Collection? clientCas)
    {
        if (clientCas is not null)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(clientCas);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
            if (!chain.Build(certificate))
            {
                return false;
            }
        }

        return tls.ClientAllowedSans.Count == 0 || HasAllowedSan(certificate, tls.ClientAllowedSans);
    }

    private static bool HasAllowedSan(X509Certificate2 certificate, IReadOnlyList<string> allowed)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                if (san.EnumerateDnsNames().Any(n => allowed.Contains(n, StringComparer.Ordinal)) ||
                    san.EnumerateIPAddresses().Any(ip => allowed.Contains(ip.ToString(), StringComparer.Ordinal)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The server certificate, reloaded when the cert or key file changes; a bad new file keeps the old certificate.</summary>
    private sealed class ReloadingCertificate
    {
        private readonly TlsServerConfig _tls;
        private readonly string _source;
        private readonly Lock _gate = new();
        private X509Certificate2 _current;
        private (DateTime Cert, DateTime Key) _stamp;

        public ReloadingCertificate(TlsServerConfig tls, string source)
        {
            _tls = tls;
            _source = source;
            _stamp = Stamp();
            _current = WebConfigLoader.LoadServerCertificate(tls, source);
        }

        public X509Certificate2 Current
        {
            get
            {
                var stamp = Stamp();
                lock (_gate)
                {
                    if (stamp != _stamp)
                    {
                        try
                        {
                            _current = WebConfigLoader.LoadServerCertificate(_tls, _source);
                            _stamp = stamp;
                        }
                        catch (WebConfigException)
                        {
                            // Mid-rotation (cert written, key not yet): keep serving the old pair.
                        }
                    }

                    return _current;
                }
            }
        }

        private (DateTime, DateTime) Stamp() =>
            (_tls.CertFile is null ? default : File.GetLastWriteTimeUtc(_tls.CertFile),
             _tls.KeyFile is null ? default : File.GetLastWriteTimeUtc(_tls.KeyFile));
    }
}

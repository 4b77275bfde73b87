using System.Text;
using System.Text.Encodings.Web;

namespace KvmMetrics.Web.Pages;

/// <summary>One link on the landing page.</summary>
/// <param name="Text">Link text.</param>
/// <param name="Href">Target (relative path or URL).</param>
/// <param name="Description">Optional explanation after the link.</param>
public sealed record LandingLink(string Text, string Href, string? Description = null);

/// <summary>
/// The small HTML page served at <c>/</c> (the exporter-toolkit landing page idea): title, version,
/// description and links. Every value is HTML-encoded; no scripts, no external resources.
/// </summary>
public static class LandingPage
{
    /// <summary>Renders the page.</summary>
    public static string Render(string title, string version, IEnumerable<LandingLink> links, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(links);
        var e = HtmlEncoder.Default;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(e.Encode(title))
            .Append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:50em}code{background:#eee;padding:0 .3em}</style>\n</head>\n<body>\n<h1>")
            .Append(e.Encode(title))
            .Append("</h1>\n<p>Version: <code>")
            .Append(e.Encode(version))
            .Append("</code></p>\n");
        if (!string.IsNullOrEmpty(description))
        {
            sb.Append("<p>").Append(e.Encode(description)).Append("</p>\n");
        }

        sb.Append("<ul>\n");
        foreach (var link in links)
        {
            sb.Append("<li><a href=\"").Append(e.Encode(SafeHref(link.Href))).Append("\">").Append(e.Encode(link.Text)).Append("</a>");
            if (!string.IsNullOrEmpty(link.Description))
            {
                sb.Append(" &mdash; ").Append(e.Encode(link.Description));
            }

            sb.Append("</li>\n");
        }

        sb.Append("</ul>\n</body>\n</html>\n");
        return sb.ToString();
    }

    // Only relative paths and http(s) URLs: a "javascript:" href would run script even when encoded.
    private static string SafeHref(string href) =>
        href.StartsWith('/') || href.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? href
            : "#";
}

using System.Globalization;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>Per-request timeout, attempts and backoff of a server-backed source.</summary>
/// <param name="Attempts">Attempts per request (the first plus retries).</param>
/// <param name="Backoff">Wait before the first retry; doubled for each further one.</param>
/// <param name="Timeout">Timeout of one attempt.</param>
/// <param name="Time">Clock for the backoff waits.</param>
public sealed record RetrySettings(int Attempts, TimeSpan Backoff, TimeSpan Timeout, TimeProvider Time);

/// <summary>The outcome of one failed attempt: what went wrong and whether another attempt may help.</summary>
/// <param name="Message">Why the attempt failed, for the final error.</param>
/// <param name="Retry">False when repeating the request would give the same answer (a bad query, a 4xx).</param>
public sealed record AttemptFailure(string Message, bool Retry);

/// <summary>
/// The retry loop shared by the Prometheus and InfluxDB sources: each attempt gets its own timeout, failures
/// are retried with exponential backoff, and when every attempt failed the caller gets
/// <see cref="SourceUnavailableException"/> naming the endpoint and the last reason, never partial data.
/// </summary>
public static class SourceRetry
{
    /// <summary>Runs <paramref name="attempt"/> until it succeeds or the attempts are used up.</summary>
    /// <param name="settings">Attempts, backoff and timeout.</param>
    /// <param name="where">The endpoint, first in the error message.</param>
    /// <param name="attempt">One try, given a token that fires at the attempt's timeout; returns the value or a failure.</param>
    /// <param name="classify">Turns an exception of an attempt into a failure, or null to let it propagate.</param>
    /// <param name="ct">Cancels the whole operation.</param>
    public static async Task<T> RunAsync<T>(
        RetrySettings settings, string where, Func<CancellationToken, Task<(T? Value, AttemptFailure? Failure)>> attempt,
        Func<Exception, AttemptFailure?> classify, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(classify);
        string? last = null;
        var tried = 0;
        for (var n = 1; n <= settings.Attempts; n++)
        {
            if (n > 1)
            {
                await Task.Delay(settings.Backoff * Math.Pow(2, n - 2), settings.Time, ct).ConfigureAwait(false);
            }

            tried = n;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(settings.Timeout);
            AttemptFailure failure;
            try
            {
                var (value, f) = await attempt(timeout.Token).ConfigureAwait(false);
                if (f is null)
                {
                    return value!;
                }

                failure = f;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = new AttemptFailure(string.Create(CultureInfo.InvariantCulture, $"no answer within {settings.Timeout.TotalSeconds:0.#} s"), true);
            }
            catch (Exception e) when (e is not OperationCanceledException && classify(e) is { } f)
            {
                failure = f;
            }

            last = failure.Message;
            if (!failure.Retry)
            {
                break;
            }
        }

        throw new SourceUnavailableException($"{where}: {last} (after {tried} attempt{(tried == 1 ? "" : "s")})");
    }
}

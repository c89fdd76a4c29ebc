using System.Net;
using Amazon.Runtime;

namespace Ftp.Embedded.S3Tests;

/// <summary>
/// Builds the S3 client's HTTP clients with a handler that answers the first <see cref="Faults"/> requests matching
/// <see cref="Matches"/> with 503 SlowDown (as a throttled S3 does) and passes everything else to the real store.
/// </summary>
public sealed class FaultInjection : HttpClientFactory
{
    private int _faults;
    private int _attempts;

    /// <summary>How many matching requests fail; <see cref="int.MaxValue"/>: all of them.</summary>
    public int Faults { get => _faults; init => _faults = value; }

    public Func<HttpRequestMessage, bool> Matches { get; init; } = _ => true;

    /// <summary>How many matching requests were sent (failed or not).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(this) { InnerHandler = new SocketsHttpHandler() });

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    private sealed class Handler(FaultInjection owner) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!owner.Matches(request))
            {
                return base.SendAsync(request, cancellationToken);
            }

            Interlocked.Increment(ref owner._attempts);
            if (Interlocked.Decrement(ref owner._faults) < 0)
            {
                return base.SendAsync(request, cancellationToken);
            }

            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                RequestMessage = request,
                Content = new StringContent("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault</RequestId></Error>", System.Text.Encoding.UTF8, "application/xml"),
            };
            return Task.FromResult(response);
        }
    }
}

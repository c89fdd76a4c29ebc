using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.S3.Model;
using Ftp.Embedded.S3;
using FtpWire;

namespace Ftp.Embedded.S3Tests;

/// <summary>What a client sees when the store fails: throttling retried with backoff, then 451; an unreachable store 451, fast, and logged with its endpoint.</summary>
[Collection(RgwGroup.Name)]
public sealed class S3ErrorTests(RgwFixture rgw)
{
    [Fact]
    public async Task A_store_that_cannot_be_reached_answers_451_within_seconds_and_is_logged_with_its_endpoint()
    {
        var endpoint = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        var log = new LogCapture();
        var options = new S3FileSystemOptions { ServiceUrl = endpoint, AccessKey = "k", SecretKey = "s", BucketName = "b" };
        await using var server = await S3TestServer.StartAsync(rgw, options, log, home: "/");
        await using var client = await FtpWireClient.LoginAsync(server.Port);
        var clock = Stopwatch.StartNew();

        var reply = await client.CommandAsync("SIZE a.txt");

        reply.Code.Should().Be(451);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "a refused connection is retried three times with a short backoff");
        log.Entries.Should().Contain(e => e.EventId == 1000 && e.Message.Contains(endpoint.Authority, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowDown_is_retried_with_backoff_and_the_upload_succeeds()
    {
        var faults = new FaultInjection { Faults = 2, Matches = r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("/a.txt", StringComparison.Ordinal) };
        await using var server = await StartAsync(faults, retries: 3);
        await using var client = await FtpWireClient.LoginAsync(server.Port);

        await client.StoreAsync("STOR a.txt", "hello"u8.ToArray());

        faults.Attempts.Should().Be(3, "two answers of 503 SlowDown, then the PutObject that succeeds");
        (await client.RetrieveAsync("RETR a.txt")).Should().Equal("hello"u8.ToArray());
    }

    [Fact]
    public async Task SlowDown_past_the_retries_answers_451_and_is_logged()
    {
        var faults = new FaultInjection { Faults = int.MaxValue, Matches = r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("/a.txt", StringComparison.Ordinal) };
        var log = new LogCapture();
        await using var server = await StartAsync(faults, retries: 2, log);
        await using var client = await FtpWireClient.LoginAsync(server.Port);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR a.txt", 150);
        await FtpWireClient.SendAllAsync(data, "hello"u8.ToArray(), CancellationToken.None);
        data.Shutdown(SocketShutdown.Both);

        (await client.ReadReplyAsync()).Code.Should().Be(451);
        faults.Attempts.Should().Be(3, "the first PutObject and two retries");
        log.Entries.Should().Contain(e => e.EventId == 1001 && e.Message.Contains("503", StringComparison.Ordinal) && e.Message.Contains("SlowDown", StringComparison.Ordinal));
        var list = await rgw.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = server.Bucket, Prefix = S3TestServer.Home + "a.txt" });
        list.KeyCount.Should().Be(0);
    }

    private async Task<S3TestServer> StartAsync(FaultInjection faults, int retries, LogCapture? log = null)
    {
        var options = new S3FileSystemOptions
        {
            ServiceUrl = rgw.Endpoint,
            AccessKey = rgw.AccessKey,
            SecretKey = rgw.SecretKey,
            BucketName = await rgw.CreateBucketAsync(),
            MaxErrorRetries = retries,
            HttpClientFactory = faults,
        };
        return await S3TestServer.StartAsync(rgw, options, log);
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

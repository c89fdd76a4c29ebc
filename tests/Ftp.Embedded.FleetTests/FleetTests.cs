using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ftp.Embedded.FleetTests;

/// <summary>
/// The fleet end to end: clients reach the nodes only through HAProxy; each session's node is read from its greeting
/// ("220 Ftp.Embedded node2 ready"). Each test uses client addresses of its own (127.0.0.3-9), so per-address limits
/// and bans of one test do not reach another.
/// </summary>
public sealed class FleetTests(FleetFixture fleet) : IClassFixture<FleetFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => fleet.EnsureAllUpAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Clients_log_in_and_transfer_on_every_node_and_homes_are_prefixes_in_the_bucket()
    {
        var source = IPAddress.Parse("127.0.0.5");
        var seen = new HashSet<int>();
        for (var attempt = 0; attempt < 3 * FleetFixture.Nodes && seen.Count < FleetFixture.Nodes; attempt++)
        {
            var (client, node) = await fleet.ConnectAsync(source);
            await using (client)
            {
                node.Should().BeInRange(1, FleetFixture.Nodes);
                if (!seen.Add(node))
                {
                    continue;
                }

                await client.LoginAsync("alice", "alice-pw");
                await client.ExpectAsync("TYPE I", 200);
                var content = Encoding.ASCII.GetBytes($"written through node {node}\n");
                await client.StoreAsync($"STOR node{node}.txt", content);
                (await client.RetrieveAsync($"RETR node{node}.txt")).Should().Equal(content);
                await client.ExpectAsync("QUIT", 221);
            }

            (await fleet.LogContainingAsync(node, "user alice logged in")).Should().Contain("started from 127.0.0.5:", "the node sees the client's address from the PROXY header")
                .And.Contain("user alice logged in");
        }

        seen.Should().BeEquivalentTo(Enumerable.Range(1, FleetFixture.Nodes), fleet.Logs());
        var keys = (await fleet.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = fleet.Bucket, Prefix = $"{FleetFixture.Prefix}/home/alice/" })).S3Objects.Select(o => o.Key);
        keys.Should().Contain(Enumerable.Range(1, FleetFixture.Nodes).Select(n => $"{FleetFixture.Prefix}/home/alice/node{n}.txt"));

        var (anonymous, _) = await fleet.ConnectAsync(source);
        await using (anonymous)
        {
            await anonymous.LoginAsync("anonymous", "guest@");
            (await anonymous.ExpectAsync("PWD", 257)).Text.Should().StartWith("\"/\"");
            await anonymous.ExpectAsync("MKD x", 550);
        }

        (await fleet.S3.GetObjectMetadataAsync(fleet.Bucket, $"{FleetFixture.Prefix}/pub/")).ContentLength.Should().Be(0, "anonymous sessions are rooted at the prefix pub/");
    }

    [Fact]
    public async Task A_file_uploaded_through_one_node_is_listed_and_downloaded_byte_exact_through_another()
    {
        var source = IPAddress.Parse("127.0.0.6");
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(6).NextBytes(content);
        int first;
        var (writer, node) = await fleet.ConnectAsync(source);
        await using (writer)
        {
            first = node;
            await writer.LoginAsync("bob", "bob-pw");
            await writer.ExpectAsync("MKD shared", 257);
            await writer.ExpectAsync("TYPE I", 200);
            await writer.StoreAsync("STOR shared/report.bin", content);
            await writer.ExpectAsync("QUIT", 221);
        }

        for (var attempt = 0; attempt < FleetFixture.Nodes; attempt++)
        {
            var (reader, other) = await fleet.ConnectAsync(source);
            await using (reader)
            {
                if (other == first)
                {
                    continue;
                }

                await reader.LoginAsync("bob", "bob-pw");
                (await reader.ListAsync("LIST shared")).Should().Contain($" {content.Length} ").And.Contain("report.bin");
                await reader.ExpectAsync("TYPE I", 200);
                (await reader.RetrieveAsync("RETR shared/report.bin")).SequenceEqual(content).Should().BeTrue("node {0} reads what node {1} wrote", other, first);
                (await reader.ExpectAsync("SIZE shared/report.bin", 213)).Text.Should().Be(content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            }
        }

        throw new InvalidOperationException($"Every session went to node {first}:\n{fleet.Logs()}");
    }

    [Fact]
    public async Task Per_address_session_limits_count_the_client_s_address_not_the_balancer_s()
    {
        // Each node allows 2 sessions per address (--max-sessions-per-ip 2); HAProxy deals sessions round robin.
        var held = new List<FtpWireClient>();
        try
        {
            var perNode = new int[FleetFixture.Nodes + 1];
            FtpReply? refused = null;
            for (var attempt = 0; attempt < 2 * FleetFixture.Nodes + 1 && refused is null; attempt++)
            {
                var client = await FtpWireClient.ConnectAsync(fleet.EndPoint, new FtpWireOptions { Source = IPAddress.Parse("127.0.0.3"), ExpectGreeting = false });
                held.Add(client);
                var greeting = await client.ReadReplyAsync();
                if (greeting.Code == 220)
                {
                    perNode[FleetFixture.NodeOf(greeting)]++;
                }
                else
                {
                    refused = greeting;
                }
            }

            perNode.Skip(1).Should().AllBeEquivalentTo(2, "each node holds two sessions from 127.0.0.3");
            refused.Should().NotBeNull("a third session from 127.0.0.3 on a node is one too many");
            refused!.FirstLine.Should().Be("421 Too many connections from your address, try again later.");

            // Meanwhile another address logs in and lists on every node: curl, bound to 127.0.0.4.
            var nodes = new HashSet<int>();
            for (var i = 0; i < FleetFixture.Nodes; i++)
            {
                var (code, output) = await CurlAsync("127.0.0.4", "alice:alice-pw", $"ftp://{fleet.EndPoint}/");
                code.Should().Be(0, output);
                nodes.Add(NodeInCurlOutput(output));
            }

            nodes.Should().BeEquivalentTo(Enumerable.Range(1, FleetFixture.Nodes), "127.0.0.4 has no sessions yet on any node");
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Bans_apply_to_the_client_s_address_on_each_node()
    {
        var attacker = IPAddress.Parse("127.0.0.7");
        var banned = new HashSet<int>();
        for (var attempt = 0; attempt < 3 * FleetFixture.Nodes && banned.Count < FleetFixture.Nodes; attempt++)
        {
            var (client, node) = await fleet.ConnectAsync(attacker);
            await using (client)
            {
                if (node == 0 || banned.Contains(node))
                {
                    continue;
                }

                // Two failed logins (Ftp:Security:Ban:MaxFailures=2) ban the address on that node.
                await client.ExpectAsync("USER alice", 331);
                await client.ExpectAsync("PASS wrong-1", 530);
                await client.ExpectAsync("USER alice", 331);
                await client.ExpectAsync("PASS wrong-2", 530);
                await client.ExpectAsync(421);
                banned.Add(node);
            }

            (await fleet.LogContainingAsync(node, "Address 127.0.0.7 banned until")).Should().Contain("Address 127.0.0.7 banned until");
        }

        banned.Should().HaveCount(FleetFixture.Nodes, fleet.Logs());
        for (var i = 0; i < FleetFixture.Nodes; i++)
        {
            await using var refused = await FtpWireClient.ConnectAsync(fleet.EndPoint, new FtpWireOptions { Source = attacker, ExpectGreeting = false });
            (await refused.ReadReplyAsync()).FirstLine.Should().Be("421 Too many failed logins from your address; try again later.");
        }

        var nodes = new HashSet<int>();
        for (var i = 0; i < FleetFixture.Nodes; i++)
        {
            var (client, node) = await fleet.ConnectAsync(IPAddress.Parse("127.0.0.8"));
            await using (client)
            {
                await client.LoginAsync("alice", "alice-pw");
                nodes.Add(node);
            }
        }

        nodes.Should().BeEquivalentTo(Enumerable.Range(1, FleetFixture.Nodes), "a ban of 127.0.0.7 is not a ban of the balancer");
    }

    [Fact]
    public async Task A_node_killed_during_a_200_MiB_upload_leaves_no_object_and_no_open_upload_after_a_sweep_and_the_retry_completes()
    {
        const long Size = 200L * 1024 * 1024;
        var source = IPAddress.Parse("127.0.0.9");
        var name = $"big-{Guid.NewGuid():N}.bin";
        var key = $"{FleetFixture.Prefix}/home/alice/{name}";
        var pattern = new byte[1024 * 1024];
        new Random(9).NextBytes(pattern);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));

        var (client, killed) = await fleet.ConnectAsync(source);
        DateTime initiated;
        await using (client)
        {
            await client.LoginAsync("alice", "alice-pw");
            await client.ExpectAsync("TYPE I", 200);
            var upload = client.UploadAsync($"STOR {name}", pattern, Size, TimeSpan.FromSeconds(120), cts.Token);
            initiated = await WaitForOpenUploadAsync(key, cts.Token);
            fleet.Kill(killed);
            await FluentActions.Awaiting(() => upload).Should().ThrowAsync<Exception>("the node died during the transfer");
        }

        (await ObjectExistsAsync(key)).Should().BeFalse("an upload that never completed leaves no object");
        (await OpenUploadsAsync(key)).Should().ContainSingle("the killed node could not abort its multipart upload");

        // The client's retry goes through HAProxy to a live node and completes.
        var (retry, live) = await fleet.ConnectAsync(source);
        await using (retry)
        {
            live.Should().BeInRange(1, FleetFixture.Nodes).And.NotBe(killed, "HAProxy marked the killed node down");
            await retry.LoginAsync("alice", "alice-pw");
            await retry.ExpectAsync("TYPE I", 200);
            (await retry.UploadAsync($"STOR {name}", pattern, Size, TimeSpan.FromSeconds(120), cts.Token)).Should().Be(Size);
        }

        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            for (var i = 0; i < Size / pattern.Length; i++)
            {
                hash.AppendData(pattern);
            }

            using var stored = await fleet.S3.GetObjectAsync(fleet.Bucket, key, cts.Token);
            stored.ContentLength.Should().Be(Size);
            (await SHA256.HashDataAsync(stored.ResponseStream, cts.Token)).Should().Equal(hash.GetHashAndReset());
        }

        // The sweep at the node's restart aborts uploads older than its DataStallTimeout plus one minute (the
        // library's floor): poll until the killed upload is that old, restart the node, poll until it is gone.
        var oldEnough = initiated + FleetFixture.DataStallTimeout + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < oldEnough)
        {
            (await OpenUploadsAsync(key)).Should().ContainSingle();
            await Task.Delay(50, cts.Token);
        }

        await fleet.RestartAsync(killed);
        const string Swept = "Removed 1 unfinished uploads left by an earlier process";
        while ((await OpenUploadsAsync(key)).Count > 0 || !fleet.Log(killed).Contains(Swept, StringComparison.Ordinal))
        {
            await Task.Delay(50, cts.Token);
        }
        (await fleet.S3.GetObjectMetadataAsync(fleet.Bucket, key, cts.Token)).ContentLength.Should().Be(Size, "the sweep leaves complete objects alone");
        await fleet.WaitUntilAllUpAsync();
    }

    /// <summary>Polls until the node has started a multipart upload of <paramref name="key"/>; returns when it was started.</summary>
    private async Task<DateTime> WaitForOpenUploadAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            if ((await OpenUploadsAsync(key)).FirstOrDefault() is { Initiated: { } initiated })
            {
                return initiated.ToUniversalTime();
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task<List<MultipartUpload>> OpenUploadsAsync(string key)
    {
        var page = await fleet.S3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = fleet.Bucket, Prefix = key });
        return page.MultipartUploads ?? [];
    }

    private async Task<bool> ObjectExistsAsync(string key)
    {
        try
        {
            await fleet.S3.GetObjectMetadataAsync(fleet.Bucket, key);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>"&lt; 220 Ftp.Embedded node2 ready" in curl's verbose output is node 2.</summary>
    private static int NodeInCurlOutput(string output)
    {
        var line = output.Split('\n').First(l => l.StartsWith("< 220 ", StringComparison.Ordinal)).TrimEnd('\r');
        return FleetFixture.NodeOf(new FtpReply(220, [line[2..]]));
    }

    private static async Task<(int Code, string Output)> CurlAsync(string source, string user, string url)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--silent", "--show-error", "--verbose", "--max-time", "30", "--interface", source, "--user", user, url })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(Bound);
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var error = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output + await error);
    }
}

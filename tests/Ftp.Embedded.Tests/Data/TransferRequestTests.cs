using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Ftp.Embedded.Internal.Data;

namespace Ftp.Embedded.Tests.Data;

public class TransferRequestTests
{
    [Fact]
    public void Every_file_transfer_words_its_150_reply_the_same_way()
    {
        new DownloadRequest("/docs/a.txt", 4, 10, Binary: true).OpeningText
            .Should().Be("Opening BINARY mode data connection for a.txt (6 bytes).");
        new DownloadRequest("/a.txt", 0, 10, Binary: false).OpeningText
            .Should().Be("Opening ASCII mode data connection for a.txt (10 bytes).");
        new UploadRequest("/up/b.bin", FtpWriteMode.Create, 0, Atomic: true, Binary: true).OpeningText
            .Should().Be("Opening BINARY mode data connection for b.bin.");
        new UploadRequest("/up/stou-1", FtpWriteMode.Create, 0, Atomic: false, Binary: true) { Unique = true }.OpeningText
            .Should().Be("FILE: stou-1");
    }

    [Fact]
    public void The_data_layer_knows_nothing_of_the_session()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var data = typeof(DataConnection).Assembly.GetTypes().Where(t => t.Namespace == "Ftp.Embedded.Internal.Data");
        var used = data.SelectMany(t => t.GetFields(all).Select(f => f.FieldType)
                .Concat(t.GetProperties(all).Select(p => p.PropertyType))
                .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .Concat(t.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)))
                .Append(t.BaseType ?? typeof(object))
                .Concat(t.GetInterfaces()))
            .SelectMany(Unwrap);
        used.Where(t => t.Namespace is "Ftp.Embedded.Internal.Session" or "Ftp.Embedded.Internal.Commands")
            .Select(t => t.FullName).Distinct().Should().BeEmpty();

        static IEnumerable<Type> Unwrap(Type type)
            => type.HasElementType ? Unwrap(type.GetElementType()!)
                : type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Append(type)
                : [type];
    }

    [Fact]
    public async Task An_ascii_download_over_a_data_connection_sends_CRLF_and_reports_what_it_sent()
    {
        var (server, client) = await ConnectedPairAsync();
        await using var data = new DataConnection(server);
        using var peer = client;
        var progress = new CountingProgress();
        using var source = new MemoryStream("a\nb\r\nc\n"u8.ToArray());

        await DataCopy.DownloadAsync(source, 0, binary: false, data, progress, CancellationToken.None);
        await data.CloseAsync();

        var received = await ReceiveAllAsync(client);
        Encoding.ASCII.GetString(received).Should().Be("a\r\nb\r\nc\r\n");
        progress.Bytes.Should().Be(received.Length);
        data.Socket.Should().BeSameAs(server, "the connection is plain TCP, so sendfile may use the socket");
    }

    [Fact]
    public async Task A_binary_upload_to_a_stream_is_copied_within_the_limit_it_reserves()
    {
        var (server, client) = await ConnectedPairAsync();
        await using var data = new DataConnection(server);
        using var peer = client;
        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        await client.SendAsync(payload, SocketFlags.None);
        client.Shutdown(SocketShutdown.Send);
        var progress = new CountingProgress();
        using var sink = new MemoryStream();

        await DataCopy.UploadAsync(data, sink, binary: true, progress, CancellationToken.None);

        sink.ToArray().Should().Equal(payload);
        progress.Bytes.Should().Be(payload.Length);
        progress.Reserved.Should().Be(payload.Length);
    }

    private static async Task<(Socket Server, Socket Client)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(listener.LocalEndPoint!, timeout.Token);
        return (await listener.AcceptAsync(timeout.Token), client);
    }

    private static async Task<byte[]> ReceiveAllAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }

    private sealed class CountingProgress : ITransferProgress
    {
        public long Bytes { get; private set; }

        public long Reserved { get; private set; }

        public void Progress(int bytes) => Bytes += bytes;

        public void Reserve(int count) => Reserved += count;

        public TransferThrottle? Throttle => null;
    }
}

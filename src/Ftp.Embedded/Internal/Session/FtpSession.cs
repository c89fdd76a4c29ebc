using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Hosting;

namespace Ftp.Embedded.Internal.Session;

internal sealed class FtpSession
{
    public FtpSession(ServerContext context, Socket socket, long id)
    {
        _ = context;
        Info = new FtpSessionInfo(id, (IPEndPoint)socket.RemoteEndPoint!, (IPEndPoint)socket.LocalEndPoint!);
    }

    public FtpSessionInfo Info { get; }

    private readonly TaskCompletionSource _done = new();

    public Task Completion => _done.Task;

    public Task RunAsync() => _done.Task.IsCompleted ? throw new InvalidOperationException() : Task.CompletedTask;

    public Task RefuseAsync(string message) => _done.Task.IsCompleted ? throw new InvalidOperationException() : Task.FromResult(message);

    public void BeginShutdown() => _done.TrySetResult();

    public void Abort(string reason) => _done.TrySetException(new InvalidOperationException(reason));

    public void OnHeartbeat(long now) => _done.TrySetResult();
}

using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Data;

/// <summary>Awaits SocketAsyncEventArgs completions of SendPacketsAsync.</summary>
internal sealed class SendPacketsCompletion
{
    private readonly SocketAsyncEventArgs _args;
    private TaskCompletionSource? _pending;

    public SendPacketsCompletion(SocketAsyncEventArgs args)
    {
        _args = args;
        _args.Completed += (_, e) => Complete(e);
    }

    public Task SendAsync(Socket socket)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending = tcs;
        if (!socket.SendPacketsAsync(_args))
        {
            Complete(_args);
        }

        return tcs.Task;
    }

    private void Complete(SocketAsyncEventArgs e)
    {
        var tcs = _pending!;
        if (e.SocketError == SocketError.Success)
        {
            tcs.TrySetResult();
        }
        else
        {
            tcs.TrySetException(new SocketException((int)e.SocketError));
        }
    }
}

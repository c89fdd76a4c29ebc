using System.Diagnostics;

namespace Ftp.Embedded.Internal.Observability;

/// <summary>
/// The <c>Ftp.Embedded</c> activity source: <c>ftp.session</c> (server kind, one per control connection) and
/// <c>ftp.transfer</c> (its child, one per file transfer). Nothing is created while no listener samples them.
/// </summary>
internal static class FtpActivities
{
    public const string SessionName = "ftp.session";
    public const string TransferName = "ftp.transfer";

    public static readonly ActivitySource Source = new(FtpTelemetry.ActivitySourceName, typeof(FtpActivities).Assembly.GetName().Version?.ToString(3));

    /// <summary>
    /// Starts the session's activity as a root: call it from the session's own asynchronous flow, so that
    /// <see cref="Activity.Current"/> is set there and never in the accept loop, and so that whatever was current when
    /// the server started does not become the parent of every session.
    /// </summary>
    public static Activity? StartSession(FtpSessionInfo session)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity.Current = null;
        var activity = Source.StartActivity(SessionName, ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("client.address", session.RemoteEndPoint.Address.ToString());
            activity.SetTag("client.port", session.RemoteEndPoint.Port);
            activity.SetTag("server.port", session.LocalEndPoint.Port);
            activity.SetTag("ftp.session.id", session.Id);
        }

        return activity;
    }

    /// <summary>Starts a transfer's activity as a child of <paramref name="session"/> (or of nothing when the session has none).</summary>
    public static Activity? StartTransfer(Activity? session, FtpTransferDirection direction, string path)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(TransferName, ActivityKind.Internal, session?.Context ?? default);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("ftp.transfer.direction", FtpMetrics.Direction(direction));
            activity.SetTag("ftp.path", path);
        }

        return activity;
    }
}

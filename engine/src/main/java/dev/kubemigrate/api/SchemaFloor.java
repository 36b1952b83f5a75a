package dev.kubemigrate.api;

import java.time.Instant;

/**
 * The oldest app version that an app's database schema still serves, since a contract (post phase)
 * changed it; lowered again only by a down migration. The rollback guard keeps older versions off
 * the schema: their {@code await}, {@code run} and {@code exec} are refused.
 *
 * @param app the app
 * @param version the oldest version the schema serves
 * @param setBy the phase whose success set it: post (a contract) or down
 * @param setByVersion the version of that run
 * @param at when that run succeeded
 */
public record SchemaFloor(
    String app, String version, Phase setBy, String setByVersion, Instant at) {

  /** How the floor came to be, for a message: {@code the post phase (contract) of 2.0.0 at T}. */
  public String cause() {
    return "the "
        + (setBy == Phase.DOWN ? "down migration" : "post phase (contract)")
        + " of "
        + setByVersion
        + " at "
        + at;
  }
}

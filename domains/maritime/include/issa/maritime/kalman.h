#pragma once

// The motion filter of a vessel track: a Kalman filter with a constant-velocity model in a local
// metric frame (x east, y north in metres around a reference point: WGS 84 azimuthal
// equidistant projection through GeographicLib). Process noise is white acceleration (the discrete
// Wiener process acceleration model), so a manoeuvre shows as growing innovations rather than being
// ignored.

#include <memory>

#include "issa/core/time.h"

namespace issa::maritime {

// East/north metres around (lat0, lon0) and back: the azimuthal equidistant projection on the
// WGS 84 ellipsoid (GeographicLib), exact in distance and bearing from the origin and with an
// exact inverse; distortion between two points stays below 0.1 % within 300 km of the origin.
// Thread-compatible.
class LocalFrame {
 public:
  LocalFrame(double lat0, double lon0);
  ~LocalFrame();
  LocalFrame(LocalFrame&&) noexcept;
  LocalFrame& operator=(LocalFrame&&) noexcept;

  void Forward(double lat, double lon, double& east_m, double& north_m) const;
  void Reverse(double east_m, double north_m, double& lat, double& lon) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The 2 × 2 position block of a filter's covariance, m².
struct PositionCovariance {
  double ee = 0;  // east-east
  double en = 0;  // east-north
  double nn = 0;  // north-north
};

struct ConstantVelocitySettings {
  // Spectral density of the white acceleration noise, m²/s³: the velocity wanders by about
  // sqrt(psd · dt) m/s in dt seconds. 0.001 suits ships keeping course (0.1 m/s in 10 s);
  // fast or manoeuvring craft need 0.01 to 0.1.
  double acceleration_psd = 0.001;
  // One-sigma speed uncertainty of a new track (its velocity is unknown), m/s.
  double initial_speed_sigma_mps = 10;
};

// State (east, north, v_east, v_north) and its covariance. Copyable value type (no heap).
class ConstantVelocityFilter {
 public:
  // A new track at a measured position with one-sigma uncertainty `sigma_m`, at time `at`.
  ConstantVelocityFilter(double east_m, double north_m, double sigma_m, core::Timestamp at,
                         ConstantVelocitySettings settings = {});

  // Moves the state to time `at` (earlier times are ignored: the filter never runs backwards).
  void Predict(core::Timestamp at);
  // The normalised innovation squared (Mahalanobis distance², chi-square with 2 degrees of
  // freedom) of a position measurement at the filter's current time: for gating, before Update.
  double InnovationDistance2(double east_m, double north_m, double sigma_m) const;
  // The same for a measurement at time `at` (after the filter's time): equal to Predict(at)
  // on a copy followed by InnovationDistance2, without the copy and the full 4 × 4 prediction
  // (only the predicted position and its 2 × 2 covariance are formed).
  double PredictedInnovationDistance2(core::Timestamp at, double east_m, double north_m,
                                      double sigma_m) const;
  // Predicts to `at` and corrects with the measured position (one-sigma `sigma_m`); returns
  // the innovation distance² it had.
  double Update(double east_m, double north_m, double sigma_m, core::Timestamp at);

  // Moves the frame's origin by (east_m, north_m): the state's position is re-expressed
  // relative to the new origin (the covariance is unchanged).
  void ShiftOrigin(double east_m, double north_m) {
    x_[0] -= east_m;
    x_[1] -= north_m;
  }

  double east_m() const { return x_[0]; }
  double north_m() const { return x_[1]; }
  double v_east_mps() const { return x_[2]; }
  double v_north_mps() const { return x_[3]; }
  double speed_mps() const;
  // Course over ground in degrees [0, 360), clockwise from north.
  double course_deg() const;
  // One-sigma position uncertainty (square root of the larger eigenvalue of the position
  // covariance), metres.
  double position_sigma_m() const;
  core::Timestamp time() const { return time_; }
  // The position block of the covariance (for gating many candidates without a solve each).
  PositionCovariance position_covariance() const { return {p_[0], p_[1], p_[5]}; }

 private:
  ConstantVelocitySettings settings_;
  core::Timestamp time_;
  double x_[4];
  double p_[16];  // covariance, column-major (symmetric)
};

}  // namespace issa::maritime

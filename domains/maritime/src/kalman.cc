#include "issa/maritime/kalman.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <Eigen/Dense>
#include <GeographicLib/AzimuthalEquidistant.hpp>
#include <GeographicLib/Geodesic.hpp>

namespace issa::maritime {
namespace {

using Vec4 = Eigen::Vector4d;
using Mat4 = Eigen::Matrix4d;
using Mat2 = Eigen::Matrix2d;
using Mat24 = Eigen::Matrix<double, 2, 4>;

Mat24 Observation() {
  Mat24 h = Mat24::Zero();
  h(0, 0) = 1;
  h(1, 1) = 1;
  return h;
}

}  // namespace

// ---- LocalFrame --------------------------------------------------------------------------------

struct LocalFrame::Impl {
  double lat0;
  double lon0;
  GeographicLib::AzimuthalEquidistant projection{GeographicLib::Geodesic::WGS84()};
};

LocalFrame::LocalFrame(double lat0, double lon0)
    : impl_(std::make_unique<Impl>(Impl{lat0, lon0})) {}
LocalFrame::~LocalFrame() = default;
LocalFrame::LocalFrame(LocalFrame&&) noexcept = default;
LocalFrame& LocalFrame::operator=(LocalFrame&&) noexcept = default;

void LocalFrame::Forward(double lat, double lon, double& east_m, double& north_m) const {
  double azimuth = 0, scale = 0;
  impl_->projection.Forward(impl_->lat0, impl_->lon0, lat, lon, east_m, north_m, azimuth, scale);
}

void LocalFrame::Reverse(double east_m, double north_m, double& lat, double& lon) const {
  double azimuth = 0, scale = 0;
  impl_->projection.Reverse(impl_->lat0, impl_->lon0, east_m, north_m, lat, lon, azimuth, scale);
}

// ---- ConstantVelocityFilter ---------------------------------------------------------------------

ConstantVelocityFilter::ConstantVelocityFilter(double east_m, double north_m, double sigma_m,
                                               core::Timestamp at,
                                               ConstantVelocitySettings settings)
    : settings_(settings), time_(at), x_{east_m, north_m, 0, 0}, p_{} {
  Eigen::Map<Mat4> p(p_);
  const double sv = settings_.initial_speed_sigma_mps;
  p.diagonal() << sigma_m * sigma_m, sigma_m * sigma_m, sv * sv, sv * sv;
}

void ConstantVelocityFilter::Predict(core::Timestamp at) {
  if (at <= time_) return;
  const double dt = static_cast<double>(at - time_) / 1000.0;
  time_ = at;
  Eigen::Map<Vec4> x(x_);
  Eigen::Map<Mat4> p(p_);
  Mat4 f = Mat4::Identity();
  f(0, 2) = dt;
  f(1, 3) = dt;
  // Discrete white-noise acceleration: Q = q [dt³/3 dt²/2; dt²/2 dt] per axis.
  const double q = settings_.acceleration_psd;
  Mat4 process = Mat4::Zero();
  for (int axis = 0; axis < 2; ++axis) {
    process(axis, axis) = q * dt * dt * dt / 3;
    process(axis, axis + 2) = q * dt * dt / 2;
    process(axis + 2, axis) = q * dt * dt / 2;
    process(axis + 2, axis + 2) = q * dt;
  }
  x = f * x;
  const Mat4 next = f * p * f.transpose() + process;
  p = next;
}

double ConstantVelocityFilter::InnovationDistance2(double east_m, double north_m,
                                                   double sigma_m) const {
  const Eigen::Map<const Mat4> p(p_);
  const Eigen::Vector2d y(east_m - x_[0], north_m - x_[1]);
  const Mat24 h = Observation();
  const Mat2 s = h * p * h.transpose() + Mat2::Identity() * (sigma_m * sigma_m);
  return y.dot(s.ldlt().solve(y));
}

double ConstantVelocityFilter::PredictedInnovationDistance2(core::Timestamp at, double east_m,
                                                            double north_m, double sigma_m) const {
  const double dt = at > time_ ? static_cast<double>(at - time_) / 1000.0 : 0.0;
  // p_ is column-major: p_[row + 4 * col]. Predicted position block of F P F' + Q.
  const double q3 = settings_.acceleration_psd * dt * dt * dt / 3;
  const double s00 = p_[0] + 2 * dt * p_[8] + dt * dt * p_[10] + q3 + sigma_m * sigma_m;
  const double s11 = p_[5] + 2 * dt * p_[13] + dt * dt * p_[15] + q3 + sigma_m * sigma_m;
  const double s01 = p_[4] + dt * (p_[12] + p_[9]) + dt * dt * p_[14];
  const double ye = east_m - (x_[0] + dt * x_[2]);
  const double yn = north_m - (x_[1] + dt * x_[3]);
  const double det = s00 * s11 - s01 * s01;
  return (s11 * ye * ye - 2 * s01 * ye * yn + s00 * yn * yn) / det;
}

double ConstantVelocityFilter::Update(double east_m, double north_m, double sigma_m,
                                      core::Timestamp at) {
  Predict(at);
  Eigen::Map<Vec4> x(x_);
  Eigen::Map<Mat4> p(p_);
  const Mat24 h = Observation();
  const Mat2 r = Mat2::Identity() * (sigma_m * sigma_m);
  const Eigen::Vector2d y(east_m - x_[0], north_m - x_[1]);
  const Mat2 s = h * p * h.transpose() + r;
  const Eigen::LDLT<Mat2> s_ldlt(s);
  const double d2 = y.dot(s_ldlt.solve(y));
  const Eigen::Matrix<double, 4, 2> k = (s_ldlt.solve(h * p.transpose())).transpose();
  x += k * y;
  // Joseph form keeps the covariance symmetric and positive definite.
  const Mat4 a = Mat4::Identity() - k * h;
  const Mat4 next = a * p * a.transpose() + k * r * k.transpose();
  p = 0.5 * (next + next.transpose());
  return d2;
}

double ConstantVelocityFilter::speed_mps() const { return std::hypot(x_[2], x_[3]); }

double ConstantVelocityFilter::course_deg() const {
  double deg = std::atan2(x_[2], x_[3]) * 180 / std::numbers::pi;
  if (deg < 0) deg += 360;
  return deg >= 360 ? 0 : deg;
}

double ConstantVelocityFilter::position_sigma_m() const {
  const Eigen::Map<const Mat4> p(p_);
  const Eigen::SelfAdjointEigenSolver<Mat2> eig(p.topLeftCorner<2, 2>());
  return std::sqrt(std::max(0.0, eig.eigenvalues().maxCoeff()));
}

}  // namespace issa::maritime
